"""CloudFormation's intrinsic functions, evaluated as CloudFormation would for one stack: parameters (with
their defaults), conditions, `Ref`/`Fn::GetAtt` of resources (by the physical names and attributes the caller
knows, e.g. of what it made on moto), `Fn::Sub`, `Fn::If`, `Fn::Join`, `Fn::Select`, `Fn::Split`. Used by the
drift tests over the transformed template and by the rehearsal, so both read the template the same way."""

import re

ACCOUNT = "123456789012"
REGION = "ap-northeast-1"


class Unresolved(Exception):
    pass


class Stack:
    def __init__(self, template: dict, parameters: dict[str, str], refs=None, attributes=None, region=REGION):
        self.template = template
        self.resources = template["Resources"]
        self.pseudo = {
            "AWS::AccountId": ACCOUNT,
            "AWS::Region": region,
            "AWS::Partition": "aws",
            "AWS::URLSuffix": "amazonaws.com",
            "AWS::StackName": f"zairyu-{parameters.get('Stage', 'dev')}",
            "AWS::NoValue": None,
        }
        self.parameters = {}
        for name, spec in template.get("Parameters", {}).items():
            value = parameters.get(name, spec.get("Default"))
            if value is None:
                raise Unresolved(f"parameter {name} has no value")
            if spec.get("Type") == "CommaDelimitedList":
                value = [v for v in str(value).split(",")] if value != "" else [""]
            self.parameters[name] = value
        self.refs = refs if refs is not None else {}
        self.attributes = attributes if attributes is not None else {}
        self._conditions = {}

    def condition(self, name: str) -> bool:
        if name not in self._conditions:
            self._conditions[name] = bool(self.resolve(self.template["Conditions"][name]))
        return self._conditions[name]

    def exists(self, logical_id: str) -> bool:
        c = self.resources[logical_id].get("Condition")
        return c is None or self.condition(c)

    def ref(self, name: str):
        if name in self.pseudo:
            return self.pseudo[name]
        if name in self.parameters:
            return self.parameters[name]
        if name in self.refs:
            return self.refs[name]
        raise Unresolved(f"Ref {name}")

    def getatt(self, name: str, attribute: str):
        key = f"{name}.{attribute}"
        if key in self.attributes:
            return self.attributes[key]
        raise Unresolved(f"GetAtt {key}")

    def sub(self, text: str, variables: dict) -> str:
        def one(m):
            name = m.group(1)
            if name.startswith("!"):
                return "${" + name[1:] + "}"
            if name in variables:
                return str(variables[name])
            if "." in name:
                return str(self.getatt(*name.split(".", 1)))
            return str(self.ref(name))

        return re.sub(r"\$\{([^}]+)\}", one, text)

    def resolve(self, value):
        if isinstance(value, list):
            out = [self.resolve(v) for v in value]
            return [v for v in out if v is not None]
        if not isinstance(value, dict):
            return value
        if len(value) == 1:
            (fn, arg), = value.items()
            if fn == "Ref":
                return self.ref(arg)
            if fn == "Fn::GetAtt":
                name, attribute = arg if isinstance(arg, list) else arg.split(".", 1)
                return self.getatt(name, attribute)
            if fn == "Fn::Sub":
                if isinstance(arg, list):
                    variables = {k: self.resolve(v) for k, v in arg[1].items()}
                    return self.sub(arg[0], variables)
                return self.sub(arg, {})
            if fn == "Fn::If":
                return self.resolve(arg[1] if self.condition(arg[0]) else arg[2])
            if fn == "Fn::Equals":
                a, b = (self.resolve(x) for x in arg)
                return str(a) == str(b)
            if fn == "Fn::Not":
                return not self.resolve(arg[0])
            if fn == "Fn::And":
                return all(self.resolve(x) for x in arg)
            if fn == "Fn::Or":
                return any(self.resolve(x) for x in arg)
            if fn == "Condition":
                return self.condition(arg)
            if fn == "Fn::Join":
                return arg[0].join(str(x) for x in self.resolve(arg[1]))
            if fn == "Fn::Select":
                return self.resolve(arg[1])[int(self.resolve(arg[0]))]
            if fn == "Fn::Split":
                return self.resolve(arg[1]).split(arg[0])
        return {k: self.resolve(v) for k, v in value.items()}
