"""Fixtures of the stack tests: the template as CloudFormation deploys it, for a development and a production
stage (`transform.py`, run in the SAM CLI's virtualenv named by ZAIRYU_SAM_PYTHON)."""

import json
import os
import pathlib
import subprocess

import pytest

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parents[1]

DEV = {
    "Stage": "dev",
    "SenderDomain": "mail.oras.example.jp",
    "PublicDomainName": "oras.example.jp",
    "AlarmEmail": "operators@oras.example.jp",
}
PROD = {
    **DEV,
    "Stage": "prod",
    "CertificateArn": "arn:aws:acm:us-east-1:123456789012:certificate/edge",
    "WebAclArn": "arn:aws:wafv2:us-east-1:123456789012:global/webacl/zairyu-prod-edge/1",
    "BackupCopyVaultArn": "arn:aws:backup:ap-northeast-3:123456789012:backup-vault:zairyu-prod-copy",
    "ApiDomainName": "origin.oras.example.jp",
    "ApiCertificateArn": "arn:aws:acm:ap-northeast-1:123456789012:certificate/origin",
}


def transform(parameters: dict[str, str], out: pathlib.Path) -> dict:
    python = os.environ.get("ZAIRYU_SAM_PYTHON", str(pathlib.Path.home() / ".cache/zairyu-venv-sam/bin/python"))
    pairs = [f"{k}={v}" for k, v in parameters.items()]
    subprocess.run([python, str(HERE / "transform.py"), str(out), *pairs], check=True, capture_output=True)
    return json.loads(out.read_text())


@pytest.fixture(scope="session")
def dev(tmp_path_factory) -> dict:
    return transform(DEV, tmp_path_factory.mktemp("dev") / "template.json")


@pytest.fixture(scope="session")
def prod(tmp_path_factory) -> dict:
    return transform(PROD, tmp_path_factory.mktemp("prod") / "template.json")
