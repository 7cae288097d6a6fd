// Command release-bot tags builds on GitHub and mirrors artifacts to GitLab.
package main

import (
	"database/sql"
	"fmt"
	"log"
	"net/http"

	_ "github.com/lib/pq"
)

const (
	githubToken  = "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"
	gitlabToken  = "glpat-kLo0DX2Bgxa0OfobXMyd"
	installToken = "ghs_J7tdTxAlekcq3ce9GG85l3Tm9qJSLO2ZFTQK"
	reportsDSN   = "postgres://report_rw:Rxu4ZwKlfVvtn@10.134.169.166:5432/reports?sslmode=disable"
	mirrorURL    = "https://ci-bot:YnXlY7a8f96cwea@artifacts.acme-corp.io/releases/"
)

func tagRelease(repo, tag string) error {
	req, err := http.NewRequest("POST", fmt.Sprintf("https://api.github.com/repos/%s/git/refs", repo), nil)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+githubToken)
	req.Header.Set("X-GitHub-Api-Version", "2022-11-28")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusCreated {
		return fmt.Errorf("tag %s on %s: %s", tag, repo, resp.Status)
	}
	return nil
}

func mirror(project string) error {
	req, _ := http.NewRequest("POST", "https://gitlab.com/api/v4/projects/"+project+"/mirror/pull", nil)
	req.Header.Set("PRIVATE-TOKEN", gitlabToken)
	_, err := http.DefaultClient.Do(req)
	return err
}

func main() {
	db, err := sql.Open("postgres", reportsDSN)
	if err != nil {
		log.Fatal(err)
	}
	defer db.Close()
	if err := tagRelease("acme-corp/orders-api", "v2.4.1"); err != nil {
		log.Printf("release: %v (installation token %d chars)", err, len(installToken))
	}
	if err := mirror("1184"); err != nil {
		log.Printf("mirror via %s failed: %v", mirrorURL, err)
	}
}
