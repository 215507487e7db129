"""The stack of infra/template.yaml made on moto server from the template's own declarations (after the SAM
transform), with each function's deployed artifact running under the Lambda emulator: what CloudFormation,
API Gateway, S3, SQS and EventBridge Scheduler would do, done from what the template says.

- Resources: the KMS key, the secrets (their values generated, resolved into the functions' environment as
  CloudFormation resolves `{{resolve:secretsmanager:…}}`), every queue with its redrive policy and visibility
  timeout, the table with its keys, indexes and TTL attribute, the buckets the functions use with their CORS,
  versioning, encryption and lifecycle, the SES identity.
- Functions: every `AWS::Lambda::Function`, with exactly the environment the template gives it (references
  resolved to what was made here), plus the variables Lambda sets; each reaches moto through a counting proxy of
  its own, so a story can tell how many AWS calls each function made.
- Events: HTTP API v2 events for the routes the API's definition maps to each function, with the headers
  CloudFront adds (origin secret, viewer country and address); S3 `ObjectCreated` events for new objects that
  match a bucket's notification filter; SQS batches of the event source mapping's size, honouring
  `ReportBatchItemFailures`; each schedule's input; asynchronous invocations retried as the function's
  `EventInvokeConfig` says, then recorded in its on-failure destination.
"""

import base64
import datetime
import http.client
import http.server
import json
import re
import secrets
import threading
import time
import urllib.parse
import urllib.request
import uuid

import boto3

from cfn import ACCOUNT, REGION, Stack
from lambda_emulator import Function, InvocationError

VIEWER = "203.0.113.7:50123"

# Services whose calls moto authorizes by action only (it passes "*" as the resource) and whose conditions it
# cannot read: their statements are given to moto on "*" without conditions, so the actions are still held to
# each role but resources and conditions (notify's dynamodb:LeadingKeys) are not; test_template.py and
# tests/infra.rs hold those. SQS and S3 are evaluated with their resources.
BY_ACTION_ONLY = ("dynamodb:", "ses:", "kms:", "logs:", "xray:")


def for_moto(document: dict) -> dict:
    """A role's policy as moto can evaluate it (see BY_ACTION_ONLY). moto also names a transaction by its API
    action, where AWS authorizes it item by item: a role that may put items may transact here."""
    statements = []
    for s in document["Statement"] if isinstance(document["Statement"], list) else [document["Statement"]]:
        actions = s["Action"] if isinstance(s["Action"], list) else [s["Action"]]
        exact = [a for a in actions if not a.startswith(BY_ACTION_ONLY)]
        loose = [a for a in actions if a.startswith(BY_ACTION_ONLY)]
        if "dynamodb:PutItem" in loose:
            loose.append("dynamodb:TransactWriteItems")
        if exact:
            statements.append({**s, "Action": exact})
        if loose:
            statements.append({"Effect": s["Effect"], "Action": loose, "Resource": "*"})
    return {"Version": "2012-10-17", "Statement": statements}


class CountingProxy(http.server.ThreadingHTTPServer):
    """Forwards every request to moto and counts them (one proxy per function)."""

    daemon_threads = True

    def __init__(self, upstream: str):
        super().__init__(("127.0.0.1", 0), _Proxy)
        self.upstream = urllib.parse.urlparse(upstream)
        self.calls = 0
        self.lock = threading.Lock()
        threading.Thread(target=self.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


class _Proxy(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def _forward(self):
        with self.server.lock:
            self.server.calls += 1
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else None
        c = http.client.HTTPConnection(self.server.upstream.hostname, self.server.upstream.port, timeout=120)
        headers = {k: v for k, v in self.headers.items() if k.lower() not in ("connection", "transfer-encoding")}
        c.request(self.command, self.path, body=body, headers=headers)
        r = c.getresponse()
        data = r.read()
        self.send_response(r.status)
        for k, v in r.getheaders():
            if k.lower() not in ("content-length", "transfer-encoding", "connection"):
                self.send_header(k, v)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = _forward


def _cors(rules):
    out = []
    for r in rules:
        rule = {k: r[k] for k in ("AllowedHeaders", "AllowedMethods", "AllowedOrigins") if k in r}
        if "ExposedHeaders" in r:
            rule["ExposeHeaders"] = r["ExposedHeaders"]
        if "MaxAge" in r:
            rule["MaxAgeSeconds"] = int(r["MaxAge"])
        if "Id" in r:
            rule["ID"] = r["Id"]
        out.append(rule)
    return {"CORSRules": out}


def _lifecycle(rules):
    out = []
    for r in rules:
        rule = {"ID": r.get("Id", "rule"), "Status": r["Status"], "Filter": {"Prefix": r.get("Prefix", "")}}
        if "ExpirationInDays" in r:
            rule["Expiration"] = {"Days": int(r["ExpirationInDays"])}
        if "NoncurrentVersionExpirationInDays" in r:
            rule["NoncurrentVersionExpiration"] = {"NoncurrentDays": int(r["NoncurrentVersionExpirationInDays"])}
        if "NoncurrentVersionExpiration" in r:
            rule["NoncurrentVersionExpiration"] = {"NoncurrentDays": int(r["NoncurrentVersionExpiration"]["NoncurrentDays"])}
        if "AbortIncompleteMultipartUpload" in r:
            rule["AbortIncompleteMultipartUpload"] = {
                "DaysAfterInitiation": int(r["AbortIncompleteMultipartUpload"]["DaysAfterInitiation"])}
        out.append(rule)
    return {"Rules": out}


class Deployed:
    def __init__(self, template: dict, parameters: dict, moto_url: str, build_dir, logs_dir):
        self.template, self.moto_url = template, moto_url
        self.resources = template["Resources"]
        self.use_credentials("testing", "testing")
        self.refs, self.attributes = {}, {}
        self.stack = Stack(template, parameters, self.refs, self.attributes)
        self.secrets: dict[str, str] = {}
        self.bucket_filters: dict[str, list] = {}
        self.seen_objects: dict[str, set] = {}
        self._make_resources()
        self.functions: dict[str, Function] = {}
        self.proxies: dict[str, CountingProxy] = {}
        self.role_credentials: dict[str, dict] = {}
        self._make_roles()
        for name, r in self.of_type("AWS::Lambda::Function").items():
            self._make_function(name, r["Properties"], build_dir, logs_dir)
        self.routes = self._routes()
        # From here on moto authorizes every call: the functions under their roles, the harness as an operator.
        self.use_credentials(*self.operator)
        self.authorize(True)

    def authorize(self, on: bool):
        """moto authorizes every call (on), or none (off: only around what moto cannot authorize, a presigned
        URL's query-string signature)."""
        count = b"0" if on else b"1e12"
        urllib.request.urlopen(urllib.request.Request(f"{self.moto_url}/moto-api/reset-auth", data=count, method="POST",
                                                      headers={"Content-Type": "text/plain"}))

    def use_credentials(self, key: str, secret: str, token: str | None = None):
        session = boto3.Session(aws_access_key_id=key, aws_secret_access_key=secret, aws_session_token=token,
                                region_name=REGION)
        self.client = lambda service: session.client(service, endpoint_url=self.moto_url)

    def client_as(self, function: str, service: str):
        """A client with the credentials of `function`'s role."""
        c = self.role_credentials[function]
        return boto3.client(service, endpoint_url=self.moto_url, region_name=REGION, aws_access_key_id=c["AccessKeyId"],
                            aws_secret_access_key=c["SecretAccessKey"], aws_session_token=c["SessionToken"])

    def _make_roles(self):
        """Every function's execution role as the template declares it (its inline and managed policies, resolved
        to what was made here), and the role's credentials, as Lambda hands them to the function; an operator
        user for the harness."""
        iam, sts = self.client("iam"), self.client("sts")
        iam.create_user(UserName="rehearsal-operator")
        iam.put_user_policy(UserName="rehearsal-operator", PolicyName="operator", PolicyDocument=json.dumps(
            {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}))
        key = iam.create_access_key(UserName="rehearsal-operator")["AccessKey"]
        self.operator = (key["AccessKeyId"], key["SecretAccessKey"])
        for name, r in self.of_type("AWS::Logs::LogGroup").items():
            group = self.stack.resolve(r["Properties"]["LogGroupName"])
            self.attributes[f"{name}.Arn"] = f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:{group}:*"
        managed = {}
        for name, r in self.of_type("AWS::IAM::ManagedPolicy").items():
            document = for_moto(self.stack.resolve(r["Properties"]["PolicyDocument"]))
            managed[name] = iam.create_policy(PolicyName=name, PolicyDocument=json.dumps(document))["Policy"]["Arn"]
        for name, r in self.of_type("AWS::Lambda::Function").items():
            role = r["Properties"]["Role"]["Fn::GetAtt"][0]
            p = self.resources[role]["Properties"]
            iam.create_role(RoleName=role, AssumeRolePolicyDocument=json.dumps(p["AssumeRolePolicyDocument"]))
            for policy in p.get("Policies", []):
                document = for_moto(self.stack.resolve(policy["PolicyDocument"]))
                iam.put_role_policy(RoleName=role, PolicyName=policy["PolicyName"], PolicyDocument=json.dumps(document))
            for arn in p.get("ManagedPolicyArns", []):
                if isinstance(arn, dict) and "Ref" in arn:
                    iam.attach_role_policy(RoleName=role, PolicyArn=managed[arn["Ref"]])
            # A managed policy may attach itself to the role (where the role cannot name it: the seal key's).
            for policy, pr in self.of_type("AWS::IAM::ManagedPolicy").items():
                if {"Ref": role} in pr["Properties"].get("Roles", []):
                    iam.attach_role_policy(RoleName=role, PolicyArn=managed[policy])
            self.role_credentials[name] = sts.assume_role(
                RoleArn=f"arn:aws:iam::{ACCOUNT}:role/{role}", RoleSessionName=name)["Credentials"]

    def of_type(self, kind):
        return {k: v for k, v in self.resources.items() if v["Type"] == kind and self.stack.exists(k)}

    # --- resources -------------------------------------------------------------------------------------

    def _make_resources(self):
        kms = self.client("kms")
        for name, r in self.of_type("AWS::KMS::Key").items():
            # As declared: the seal key is an asymmetric signing key (moto's own CloudFormation makes every key
            # symmetric). Key policies are not evaluated here (see BY_ACTION_ONLY): the roles' policies are.
            p = r["Properties"]
            key = kms.create_key(Description=name, KeySpec=p.get("KeySpec", "SYMMETRIC_DEFAULT"),
                                 KeyUsage=p.get("KeyUsage", "ENCRYPT_DECRYPT"))["KeyMetadata"]
            self.refs[name], self.attributes[f"{name}.Arn"] = key["KeyId"], key["Arn"]
        for name, r in self.of_type("AWS::SecretsManager::Secret").items():
            secret_name = self.stack.resolve(r["Properties"]["Name"])
            length = r["Properties"]["GenerateSecretString"]["PasswordLength"]
            self.secrets[secret_name] = secrets.token_hex(length)[:length]
            self.refs[name] = secret_name
        sqs = self.client("sqs")
        queues = self.of_type("AWS::SQS::Queue")
        # Dead-letter queues first: a redrive policy names its target's ARN.
        for name, r in sorted(queues.items(), key=lambda kv: "RedrivePolicy" in kv[1]["Properties"]):
            p = r["Properties"]
            queue_name = self.stack.resolve(p["QueueName"])
            attributes = {}
            for key in ("VisibilityTimeout", "MessageRetentionPeriod", "DelaySeconds"):
                if key in p:
                    attributes[key] = str(self.stack.resolve(p[key]))
            if "RedrivePolicy" in p:
                redrive = self.stack.resolve(p["RedrivePolicy"])
                attributes["RedrivePolicy"] = json.dumps(
                    {"deadLetterTargetArn": redrive["deadLetterTargetArn"], "maxReceiveCount": int(redrive["maxReceiveCount"])})
            if p.get("SqsManagedSseEnabled"):
                attributes["SqsManagedSseEnabled"] = "true"
            if "KmsMasterKeyId" in p:
                attributes["KmsMasterKeyId"] = str(self.stack.resolve(p["KmsMasterKeyId"]))
            url = sqs.create_queue(QueueName=queue_name, Attributes=attributes)["QueueUrl"]
            self.refs[name] = url
            self.attributes[f"{name}.Arn"] = f"arn:aws:sqs:{REGION}:{ACCOUNT}:{queue_name}"
            self.attributes[f"{name}.QueueName"] = queue_name
        ddb = self.client("dynamodb")
        for name, r in self.of_type("AWS::DynamoDB::Table").items():
            p = r["Properties"]
            table_name = self.stack.resolve(p["TableName"])
            ddb.create_table(
                TableName=table_name,
                AttributeDefinitions=p["AttributeDefinitions"],
                KeySchema=p["KeySchema"],
                GlobalSecondaryIndexes=p.get("GlobalSecondaryIndexes", []),
                BillingMode=p["BillingMode"],
            )
            ttl = p.get("TimeToLiveSpecification")
            if ttl:
                ddb.update_time_to_live(TableName=table_name, TimeToLiveSpecification=ttl)
            self.refs[name] = table_name
            self.attributes[f"{name}.Arn"] = f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/{table_name}"
        s3 = self.client("s3")
        for name, r in self.of_type("AWS::S3::Bucket").items():
            p = r["Properties"]
            bucket = self.stack.resolve(p["BucketName"])
            s3.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": REGION})
            if "VersioningConfiguration" in p:
                s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": p["VersioningConfiguration"]["Status"]})
            if "CorsConfiguration" in p:
                s3.put_bucket_cors(Bucket=bucket, CORSConfiguration=_cors(self.stack.resolve(p["CorsConfiguration"]["CorsRules"])))
            if "LifecycleConfiguration" in p:
                s3.put_bucket_lifecycle_configuration(
                    Bucket=bucket, LifecycleConfiguration=_lifecycle(self.stack.resolve(p["LifecycleConfiguration"]["Rules"])))
            for config in p.get("NotificationConfiguration", {}).get("LambdaConfigurations", []):
                rules = {x["Name"]: x["Value"] for x in config["Filter"]["S3Key"]["Rules"]}
                self.bucket_filters.setdefault(bucket, []).append((config["Event"], rules, config["Function"]["Fn::GetAtt"][0]))
            self.refs[name] = bucket
            self.attributes[f"{name}.Arn"] = f"arn:aws:s3:::{bucket}"
            self.seen_objects[bucket] = set()
        ses = self.client("sesv2")
        for name, r in self.of_type("AWS::SES::EmailIdentity").items():
            identity = self.stack.resolve(r["Properties"]["EmailIdentity"])
            ses.create_email_identity(EmailIdentity=identity)
            self.refs[name] = identity
        for name in self.of_type("AWS::SES::ConfigurationSet"):
            self.refs[name] = self.stack.resolve(self.resources[name]["Properties"]["Name"])

    def _dynamic_references(self, value: str) -> str:
        def one(m):
            secret_name, stage = m.group(1), m.group(3) or "AWSCURRENT"
            if stage != "AWSCURRENT":
                raise KeyError(f"no {stage} version of {secret_name} in a first deployment")
            return self.secrets[secret_name]

        return re.sub(r"\{\{resolve:secretsmanager:([^:}]+):SecretString(::(\w+))?\}\}", one, value)

    def _make_function(self, name, p, build_dir, logs_dir):
        variables = self.stack.resolve(p.get("Environment", {}).get("Variables", {}))
        env = {k: self._dynamic_references(str(v)) for k, v in variables.items()}
        proxy = CountingProxy(self.moto_url)
        credentials = self.role_credentials[name]
        env.update({
            "AWS_REGION": REGION,
            "AWS_DEFAULT_REGION": REGION,
            "AWS_ACCESS_KEY_ID": credentials["AccessKeyId"],
            "AWS_SECRET_ACCESS_KEY": credentials["SecretAccessKey"],
            "AWS_SESSION_TOKEN": credentials["SessionToken"],
            "AWS_ENDPOINT_URL": proxy.url,
        })
        function_name = self.stack.resolve(p["FunctionName"])
        self.refs[name] = function_name
        self.attributes[f"{name}.Arn"] = f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:{function_name}"
        self.functions[name] = Function(function_name, str(build_dir / name / "bootstrap"), env,
                                        int(p.get("MemorySize", 128)), str(logs_dir / f"{name}.log"))
        self.proxies[name] = proxy

    def calls(self) -> dict[str, int]:
        return {name: p.calls for name, p in self.proxies.items()}

    def invocations(self) -> dict[str, int]:
        return {name: f.invocations for name, f in self.functions.items()}

    def stop(self):
        for f in self.functions.values():
            f.stop()

    # --- HTTP API ----------------------------------------------------------------------------------------

    def _routes(self):
        """(method, compiled path, route template, function) for every route of the API's definition."""
        out = []
        body = self.resources["HttpApi"]["Properties"]["Body"]
        for template, methods in body["paths"].items():
            # `{name}` is one segment; a greedy `{name+}` the rest of the path.
            escaped = re.sub(r"\\\{(\w+)\\\+\\\}", r"(?P<\1>.+)", re.escape(template))
            pattern = re.compile("^" + re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>[^/]+)", escaped) + "$")
            for method, operation in methods.items():
                alias = operation["x-amazon-apigateway-integration"]["uri"]["Fn::Sub"].split("/functions/${")[1].split("}")[0]
                method = "ANY" if method == "x-amazon-apigateway-any-method" else method.upper()
                out.append((method, pattern, template, alias.replace("Aliaslive", "")))
        # As the HTTP API chooses: a route without a greedy variable before one with it.
        return sorted(out, key=lambda route: "+}" in route[2])

    def http(self, method: str, target: str, headers: dict, body: bytes | None, via_edge: bool = True) -> tuple[int, dict, list, bytes]:
        """One request as CloudFront forwards it to the API, and the API to its function."""
        parsed = urllib.parse.urlsplit(target)
        path, query = parsed.path, parsed.query
        for m, pattern, template, function in self.routes:
            match = pattern.match(path)
            if m in (method, "ANY") and match:
                break
        else:
            return 404, {"content-type": "application/json"}, [], b'{"message":"Not Found"}'
        now = datetime.datetime.now(datetime.timezone.utc)
        h = {k.lower(): v for k, v in headers.items() if k.lower() != "cookie"}
        cookies = [c.strip() for c in headers.get("cookie", headers.get("Cookie", "")).split(";") if c.strip()]
        h.setdefault("host", self.stack.resolve({"Fn::Sub": "${PublicDomainName}"}))
        if via_edge:
            h["x-origin-verify"] = self.secrets[f"zairyu-{self.stack.parameters['Stage']}-origin-verify"]
            h["cloudfront-viewer-country"] = "JP"
            h["cloudfront-viewer-address"] = VIEWER
            h["x-amz-cf-id"] = base64.urlsafe_b64encode(secrets.token_bytes(30)).decode()
        binary = body is not None and not h.get("content-type", "").startswith(("application/json", "application/x-www-form-urlencoded", "text/"))
        event = {
            "version": "2.0",
            "routeKey": f"{m} {template}",
            "rawPath": path,
            "rawQueryString": query,
            "headers": h,
            "requestContext": {
                "accountId": ACCOUNT, "apiId": "rehearsal", "domainName": h["host"], "domainPrefix": "rehearsal",
                "http": {"method": method, "path": path, "protocol": "HTTP/1.1", "sourceIp": "130.176.0.10",
                         "userAgent": h.get("user-agent", "rehearsal")},
                "requestId": uuid.uuid4().hex, "routeKey": f"{m} {template}", "stage": "$default",
                "time": now.strftime("%d/%b/%Y:%H:%M:%S +0000"), "timeEpoch": int(now.timestamp() * 1000),
            },
            "isBase64Encoded": binary,
        }
        if cookies:
            event["cookies"] = cookies
        if query:
            event["queryStringParameters"] = {k: v for k, v in urllib.parse.parse_qsl(query, keep_blank_values=True)}
        if match.groupdict():
            event["pathParameters"] = match.groupdict()
        if body is not None:
            event["body"] = base64.b64encode(body).decode() if binary else body.decode()
        answer = self.functions[function].invoke(event)
        data = answer.get("body") or ""
        raw = base64.b64decode(data) if answer.get("isBase64Encoded") else data.encode()
        return answer["statusCode"], {k.lower(): v for k, v in (answer.get("headers") or {}).items()}, answer.get("cookies") or [], raw

    # --- S3, SQS, schedules, asynchronous invocation -------------------------------------------------------

    def invoke_async(self, name: str, event: dict) -> bool:
        """An asynchronous invocation (S3, the scheduler): tried once and retried as the function's
        EventInvokeConfig says; after the last failure, the event's record goes to its on-failure destination.
        True when it succeeded."""
        config = next((c["Properties"] for c in self.of_type("AWS::Lambda::EventInvokeConfig").values()
                       if c["Properties"]["FunctionName"].get("Ref") == name), None)
        retries = int(config.get("MaximumRetryAttempts", 2)) if config else 2
        error = None
        for _ in range(retries + 1):
            try:
                self.functions[name].invoke(event)
                return True
            except InvocationError as e:
                error = e
        if config:
            destination = self.stack.resolve(config["DestinationConfig"]["OnFailure"]["Destination"])
            queue_url = self.refs[next(q for q in self.of_type("AWS::SQS::Queue") if self.attributes[f"{q}.Arn"] == destination)]
            record = {
                "version": "1.0",
                "timestamp": datetime.datetime.now(datetime.timezone.utc).isoformat(),
                "requestContext": {"requestId": str(uuid.uuid4()), "functionArn": self.attributes[f"{name}.Arn"],
                                   "condition": "RetriesExhausted", "approximateInvokeCount": retries + 1},
                "requestPayload": event,
                "responseContext": {"statusCode": 200, "executedVersion": "$LATEST", "functionError": "Unhandled"},
                "responsePayload": {"errorMessage": str(error)[:1000]},
            }
            # Lambda writes the record as the function's own role: its permission is what is tested.
            self.client_as(name, "sqs").send_message(QueueUrl=queue_url, MessageBody=json.dumps(record))
        return False

    def deliver_s3_events(self) -> int:
        """An ObjectCreated event for each new object of a notifying bucket that matches its filter."""
        s3, delivered = self.client("s3"), 0
        for bucket, configs in self.bucket_filters.items():
            listing = s3.list_objects_v2(Bucket=bucket).get("Contents", [])
            for obj in listing:
                if obj["Key"] in self.seen_objects[bucket]:
                    continue
                self.seen_objects[bucket].add(obj["Key"])
                for event_name, rules, function in configs:
                    key = obj["Key"]
                    if not (key.startswith(rules.get("prefix", "")) and key.endswith(rules.get("suffix", ""))):
                        continue
                    record = {
                        "eventVersion": "2.1", "eventSource": "aws:s3", "awsRegion": REGION,
                        "eventTime": datetime.datetime.now(datetime.timezone.utc).isoformat(),
                        "eventName": "ObjectCreated:Post",
                        "userIdentity": {"principalId": "AWS:AROAREHEARSAL:browser"},
                        "requestParameters": {"sourceIPAddress": VIEWER.split(":")[0]},
                        "responseElements": {"x-amz-request-id": uuid.uuid4().hex[:16].upper(),
                                             "x-amz-id-2": base64.b64encode(secrets.token_bytes(48)).decode()},
                        "s3": {"s3SchemaVersion": "1.0", "configurationId": "rehearsal",
                               "bucket": {"name": bucket, "ownerIdentity": {"principalId": "REHEARSAL"},
                                          "arn": f"arn:aws:s3:::{bucket}"},
                               "object": {"key": urllib.parse.quote_plus(key), "size": obj["Size"], "eTag": obj["ETag"].strip('"'),
                                          "sequencer": f"{int(time.time() * 1e6):016X}"}},
                    }
                    self.invoke_async(function, {"Records": [record]})
                    delivered += 1
        return delivered

    def poll_queues(self, rounds: int = 50) -> int:
        """The event source mappings: batches of their size from their queue to their function; the records the
        function reports failed stay (made visible again at once: the visibility timeout, compressed), the
        others are deleted. Until a round finds every queue empty. Returns the records handed over."""
        handed = 0
        for _ in range(rounds):
            any_message = False
            for mapping in self.of_type("AWS::Lambda::EventSourceMapping").values():
                p = mapping["Properties"]
                # The poller reads and deletes as the function's role (notify's may consume its queue).
                sqs = self.client_as(p["FunctionName"]["Ref"], "sqs")
                source = self.stack.resolve(p["EventSourceArn"])
                queue_name = source.rsplit(":", 1)[1]
                url = next(self.refs[q] for q in self.of_type("AWS::SQS::Queue") if self.attributes[f"{q}.QueueName"] == queue_name)
                got = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=min(int(p["BatchSize"]), 10),
                                          AttributeNames=["All"]).get("Messages", [])
                if not got:
                    continue
                any_message = True
                handed += len(got)
                event = {"Records": [{
                    "messageId": m["MessageId"], "receiptHandle": m["ReceiptHandle"], "body": m["Body"],
                    "attributes": m.get("Attributes", {}), "messageAttributes": {}, "md5OfBody": m["MD5OfBody"],
                    "eventSource": "aws:sqs", "eventSourceARN": source, "awsRegion": REGION} for m in got]}
                function = p["FunctionName"]["Ref"]
                try:
                    answer = self.functions[function].invoke(event)
                    failed = {f["itemIdentifier"] for f in answer.get("batchItemFailures", [])} \
                        if "ReportBatchItemFailures" in p.get("FunctionResponseTypes", []) else set()
                except InvocationError:
                    failed = {m["MessageId"] for m in got}
                for m in got:
                    if m["MessageId"] in failed:
                        sqs.change_message_visibility(QueueUrl=url, ReceiptHandle=m["ReceiptHandle"], VisibilityTimeout=0)
                    else:
                        sqs.delete_message(QueueUrl=url, ReceiptHandle=m["ReceiptHandle"])
            if not any_message:
                return handed
        return handed

    def run_schedule(self, logical_id: str) -> bool:
        """One schedule's run: its target invoked asynchronously with the schedule's input."""
        target = self.resources[logical_id]["Properties"]["Target"]
        function = target["Arn"]["Fn::GetAtt"][0]
        return self.invoke_async(function, json.loads(target["Input"]))

    def mail(self) -> str:
        """Everything moto's SES took (its record, as text: a story looks for what an e-mail must say)."""
        data = json.loads(urllib.request.urlopen(f"{self.moto_url}/moto-api/data.json").read())
        return json.dumps(data.get("ses", {}), ensure_ascii=False)
