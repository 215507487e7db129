"""The template as CloudFormation will deploy it: infra/template.yaml through the SAM transform, offline.

`python tests/stack/transform.py OUT.json [Key=Value ...]` writes the transformed template (the resources SAM
generates — aliases, versions, permissions, the schedules' roles, the event source mapping — included), with the
parameter values given, to OUT.json. The drift tests over the deployed shape (`test_template.py`) and the
rehearsal on moto (`test_rehearsal.py`) both read it. Runs in the SAM CLI's virtualenv, which brings the
transform (samtranslator) and CloudFormation's YAML dialect (samcli.yamlhelper).
"""

import json
import os
import pathlib
import sys

# The pseudo-parameters the transform fills in (AWS::Region): the stack's region, never a real account's.
os.environ.setdefault("AWS_DEFAULT_REGION", "ap-northeast-1")

from samcli.yamlhelper import yaml_parse
from samtranslator.model.exceptions import InvalidDocumentException
from samtranslator.translator.transform import transform

ROOT = pathlib.Path(__file__).resolve().parents[2]


class NoManagedPolicies:
    """The transform asks for AWS managed policies by name only for `Policies:` lists; every function here
    names its own role, so nothing is looked up (and nothing may be: this runs offline)."""

    def load(self):
        return {}


def transformed(parameters: dict[str, str]) -> dict:
    template = yaml_parse((ROOT / "infra/template.yaml").read_text())
    # As `sam deploy` hands it to CloudFormation: each function's code uploaded (here, named only).
    for name, resource in template["Resources"].items():
        if resource["Type"] == "AWS::Serverless::Function":
            resource["Properties"]["CodeUri"] = f"s3://artifacts/{name}.zip"
    try:
        return transform(template, parameters, NoManagedPolicies())
    except InvalidDocumentException as e:
        raise SystemExit("the SAM transform refused the template: " + "; ".join(str(c) for c in e.causes))


if __name__ == "__main__":
    out, *pairs = sys.argv[1:]
    parameters = dict(p.split("=", 1) for p in pairs)
    pathlib.Path(out).write_text(json.dumps(transformed(parameters), indent=1, default=str))
