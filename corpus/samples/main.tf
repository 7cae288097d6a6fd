terraform {
  required_version = ">= 1.6.0"
  required_providers {
    aws    = { source = "hashicorp/aws", version = "~> 5.40" }
    github = { source = "integrations/github", version = "~> 6.0" }
  }
}

provider "aws" {
  region = "eu-west-1"
}

provider "github" {
  owner = "acme-corp"
  token = "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"
}

variable "gitlab_trigger_token" {
  type    = string
  default = "glptt-cec659522faaca0d989dd734de57ce4f42c001ef"
}

resource "aws_vpc" "main" {
  cidr_block = "10.40.0.0/16"
}

resource "aws_security_group_rule" "office_ssh" {
  type              = "ingress"
  from_port         = 22
  to_port           = 22
  protocol          = "tcp"
  cidr_blocks       = ["66.33.170.56/32"]
  security_group_id = aws_security_group.bastion.id
}

resource "aws_db_instance" "orders" {
  identifier        = "orders-prod"
  engine            = "postgres"
  engine_version    = "16.2"
  instance_class    = "db.r6g.large"
  username          = "orders_admin"
  password          = "Qbgr!dMbvSL2Am"
  allocated_storage = 100
}
