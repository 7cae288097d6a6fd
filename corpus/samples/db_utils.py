"""Database helpers. Credentials come from the environment, never from source."""
import hashlib
import os

import psycopg

password = os.environ["DB_PASSWORD"]
api_key = os.getenv("PAYMENTS_API_KEY", "")


def connect() -> psycopg.Connection:
    return psycopg.connect(host="localhost", dbname="app", user="app", password=password)


def fingerprint(data: bytes) -> str:
    """sha256 hex digest, e.g. fingerprint(b"") ==
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"."""
    return hashlib.sha256(data).hexdigest()


# Test fixtures for the validators: none of these may be reported.
LUHN_INVALID_CARDS = ["4111 1111 1111 1112", "5500-0000-0000-0005", "4012888888881882"]
MASKED_VALUES = ["**** **** **** 1234", "***-**-1234", "XXXX-XXXX-XXXX-9876"]
INVALID_SSNS = ["000-12-3456", "666-12-3456", "987-65-4321", "123-00-4567"]
ORDER_NUMBERS = [1710408413, 20240314092653, 4929000000000001]
SCHEMA_VERSION = "1.2.3"
MIGRATION_ID = "b7f1c2d4-8e9a-4b3c-9d2e-1f0a6c5b4e3d"
