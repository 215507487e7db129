"""The template as CloudFormation deploys it (after the SAM transform, with the resources SAM generates): what
only a running stack would otherwise show — who may write where a failure goes, in what order a deployment
updates the edge, how the API is reached — held by tests. Reads the transformed template of a development and a
production stage (conftest.py)."""

import json

from cfn import Stack
from conftest import DEV, PROD, ROOT


def getatt(name, attribute="Arn"):
    return {"Fn::GetAtt": [name, attribute]}


def as_list(x):
    return x if isinstance(x, list) else [x]


def function_of(template, ref):
    """The logical ID of the function a `Ref`/`GetAtt` (or an alias of it) names."""
    if isinstance(ref, dict):
        ref = ref.get("Ref") or ref.get("Fn::GetAtt", [None])[0]
    return ref


def role_statements(template, function):
    """Every statement of the function's execution role: inline policies and the managed policies it attaches."""
    resources = template["Resources"]
    role = resources[function]["Properties"]["Role"]["Fn::GetAtt"][0]
    props = resources[role]["Properties"]
    documents = [p["PolicyDocument"] for p in props.get("Policies", [])]
    for arn in props.get("ManagedPolicyArns", []):
        if isinstance(arn, dict) and "Ref" in arn:
            documents.append(resources[arn["Ref"]]["Properties"]["PolicyDocument"])
    return [s for d in documents for s in as_list(d["Statement"])]


def allows(statements, action, resource):
    return any(
        s["Effect"] == "Allow"
        and action in as_list(s["Action"])
        and resource in as_list(s["Resource"])
        and "Condition" not in s
        for s in statements
    )


def of_type(template, kind):
    return {k: v for k, v in template["Resources"].items() if v["Type"] == kind}


def async_targets(template):
    """The functions something invokes asynchronously: S3 notifications and schedules."""
    out = set()
    for permission in of_type(template, "AWS::Lambda::Permission").values():
        if permission["Properties"]["Principal"] == "s3.amazonaws.com":
            out.add(function_of(template, permission["Properties"]["FunctionName"]))
    for schedule in of_type(template, "AWS::Scheduler::Schedule").values():
        out.add(function_of(template, schedule["Properties"]["Target"]["Arn"]))
    return out


def test_every_async_failure_destination_is_writable_by_its_function_s_role(dev):
    configs = of_type(dev, "AWS::Lambda::EventInvokeConfig")
    assert configs, "no EventInvokeConfig in the transformed template"
    for config in configs.values():
        props = config["Properties"]
        function = function_of(dev, props["FunctionName"])
        destination = props["DestinationConfig"]["OnFailure"]["Destination"]
        queue = destination["Fn::GetAtt"][0]
        statements = role_statements(dev, function)
        assert allows(statements, "sqs:SendMessage", destination), f"{function} may not send to {queue}"
        # The queue is encrypted with the data key: sending needs the key through SQS.
        key = dev["Resources"][queue]["Properties"].get("KmsMasterKeyId")
        if key is not None:
            key_arn = getatt(key["Ref"])
            assert allows(statements, "kms:GenerateDataKey", key_arn), function
            assert allows(statements, "kms:Decrypt", key_arn), function


def test_every_asynchronous_trigger_has_somewhere_to_fail_to(dev):
    configs = {function_of(dev, c["Properties"]["FunctionName"]): c["Properties"]
               for c in of_type(dev, "AWS::Lambda::EventInvokeConfig").values()}
    targets = async_targets(dev)
    assert {"BatchUploadFunction", "RemindersFunction", "OutboxFunction"} <= targets
    for function in targets:
        assert function in configs, f"{function} is invoked asynchronously with no on-failure destination"
        assert configs[function]["DestinationConfig"]["OnFailure"]["Destination"] == getatt("AsyncFailureQueue")
    # The schedules themselves: the scheduler retries, then keeps the event in its dead-letter queue, which
    # its generated role may write to.
    resources = dev["Resources"]
    for name, schedule in of_type(dev, "AWS::Scheduler::Schedule").items():
        target = schedule["Properties"]["Target"]
        assert "RetryPolicy" in target, name
        dlq = target["DeadLetterConfig"]["Arn"]
        assert dlq == getatt("ScheduleDeadLetterQueue"), name
        role = target["RoleArn"]["Fn::GetAtt"][0]
        statements = [s for p in resources[role]["Properties"]["Policies"] for s in as_list(p["PolicyDocument"]["Statement"])]
        assert allows(statements, "sqs:SendMessage", dlq), f"{role} may not write the dead letters of {name}"
    # The scheduler's generated roles hold no key: the dead-letter queue is encrypted by SQS itself.
    queue = resources["ScheduleDeadLetterQueue"]["Properties"]
    assert queue.get("SqsManagedSseEnabled") is True and "KmsMasterKeyId" not in queue


def alarmed_metrics(template):
    """(namespace, metric, function) of every alarm, metric math included."""
    out = set()
    for alarm in of_type(template, "AWS::CloudWatch::Alarm").values():
        p = alarm["Properties"]
        if "MetricName" in p:
            dims = {d["Name"]: d["Value"] for d in p.get("Dimensions", [])}
            out.add((str(p["Namespace"]), p["MetricName"], function_of(template, dims.get("FunctionName"))))
        for m in p.get("Metrics", []):
            if "MetricStat" in m:
                metric = m["MetricStat"]["Metric"]
                dims = {d["Name"]: d["Value"] for d in metric.get("Dimensions", [])}
                out.add((metric["Namespace"], metric["MetricName"], function_of(template, dims.get("FunctionName"))))
        assert p.get("AlarmActions") == [{"Ref": "AlertTopic"}], p.get("AlarmName")
    return out


def test_lost_asynchronous_events_and_failed_deliveries_are_alarmed(dev):
    metrics = alarmed_metrics(dev)
    for config in of_type(dev, "AWS::Lambda::EventInvokeConfig").values():
        function = function_of(dev, config["Properties"]["FunctionName"])
        for metric in ["DestinationDeliveryFailures", "AsyncEventsDropped"]:
            assert ("AWS/Lambda", metric, function) in metrics, f"no alarm on {metric} of {function}"
    queues = {m[2] for m in metrics if m[1] == "ApproximateNumberOfMessagesVisible"}
    assert queues == {None}  # queue alarms carry no function; each queue's alarm is checked below
    for queue in ["AsyncFailureQueue", "ScheduleDeadLetterQueue", "NotificationDeadLetterQueue"]:
        assert any(
            a["Properties"].get("Dimensions", [{}])[0].get("Value") == getatt(queue, "QueueName")
            for a in of_type(dev, "AWS::CloudWatch::Alarm").values()
        ), f"no alarm on {queue}"


def http_functions(template):
    """The functions behind the HTTP API, by the aliases its integrations call."""
    out = set()
    body = template["Resources"]["HttpApi"]["Properties"]["Body"]
    for methods in body["paths"].values():
        for operation in methods.values():
            uri = operation["x-amazon-apigateway-integration"]["uri"]["Fn::Sub"]
            out.add(uri.split("/functions/${")[1].split("}")[0])
    return out


def test_the_edge_is_updated_only_after_every_http_function_s_traffic_has_shifted(dev):
    aliases = http_functions(dev)
    assert aliases == {f"{f}FunctionAliaslive" for f in ["Login", "Submit", "Status", "Office"]}
    resources = dev["Resources"]
    for alias in aliases:
        # CloudFormation finishes an alias's update only when CodeDeploy has shifted its traffic.
        assert "CodeDeployLambdaAliasUpdate" in resources[alias]["UpdatePolicy"], alias
    assert aliases <= set(resources["Edge"]["DependsOn"]), "the distribution must wait for every alias"


def test_in_production_the_api_is_reached_only_by_its_own_name_through_the_edge(prod, dev):
    stack = Stack(prod, PROD, refs={"HttpApi": "api123", "OriginSecret": "s", "ApiDomain": "origin.oras.example.jp"})
    def endpoint_disabled(template, stack):
        servers = template["Resources"]["HttpApi"]["Properties"]["Body"]["servers"]
        return stack.resolve(servers[0]["x-amazon-apigateway-endpoint-configuration"]["disableExecuteApiEndpoint"])

    assert endpoint_disabled(prod, stack) is True
    assert stack.exists("ApiDomain") and stack.exists("ApiDomainMapping")
    origins = stack.resolve(prod["Resources"]["Edge"]["Properties"]["DistributionConfig"]["Origins"])
    assert [o["DomainName"] for o in origins] == ["origin.oras.example.jp"]
    # A development stage without a name of its own keeps the execute-api endpoint (and is told so).
    d = Stack(dev, DEV, refs={"HttpApi": "api123"})
    assert endpoint_disabled(dev, d) is False
    assert not d.exists("ApiDomain")
    # prod cannot be deployed without the name.
    rule = prod["Rules"]["ProductionHasItsEdgeProtection"]["Assertions"]
    assert any("ApiDomainName" in str(a["Assert"]) for a in rule)


def test_requests_that_bypass_the_edge_are_counted_and_alarmed_and_hot_routes_have_april_s_throttle(dev):
    filters = of_type(dev, "AWS::Logs::MetricFilter")
    not_via_edge = [f for f in filters.values() if f["Properties"]["MetricTransformations"][0]["MetricName"] == "NotViaEdge"]
    groups = {f["Properties"]["LogGroupName"]["Ref"] for f in not_via_edge}
    assert groups == {f"{f}LogGroup" for f in ["Login", "Submit", "Status", "Office"]}
    assert any(m[1] == "NotViaEdge" for m in alarmed_metrics(dev))
    # The pattern matches the line zairyu_http::edge writes.
    edge = (ROOT / "shared/http/src/edge.rs").read_text()
    pattern = not_via_edge[0]["Properties"]["FilterPattern"]
    prefix = pattern.split('"')[1].rstrip("*")
    assert f'tracing::warn!("{prefix}' in edge
    stage = dev["Resources"]["HttpApiApiGatewayDefaultStage"]["Properties"]
    routes = stage["RouteSettings"]
    for route in ["POST /login", "POST /api/login", "GET /", "GET /office", "GET /api/applications"]:
        assert routes[route]["ThrottlingRateLimit"] >= 300, route
    assert stage["DefaultRouteSettings"]["ThrottlingRateLimit"] >= 100


def test_mail_is_sent_from_the_verified_domain_at_the_account_s_rate(dev):
    stack = Stack(dev, DEV)
    notify = dev["Resources"]["NotifyFunction"]["Properties"]
    env = notify["Environment"]["Variables"]
    sender = stack.resolve(env["ZAIRYU_SENDER"])
    assert sender == "no-reply@" + DEV["SenderDomain"]
    assert stack.resolve(env["ZAIRYU_MAIL_RATE"]) == 14
    assert env["ZAIRYU_MAIL_CONCURRENCY"] == {"Ref": "NotifyConcurrency"}
    # The role sends only from that domain's identity.
    ses = [s for s in role_statements(dev, "NotifyFunction") if "ses:SendEmail" in as_list(s["Action"])]
    assert any("identity/${SenderDomain}" in str(r) for s in ses for r in as_list(s["Resource"]))
    outputs = dev["Outputs"]
    for i in (1, 2, 3):
        assert f"SenderIdentity.DkimDNSTokenName{i}" in str(outputs[f"DkimRecord{i}"]["Value"])


def test_every_evidence_rule_reaches_the_operators_and_may_publish_to_the_encrypted_topic(dev):
    """#34 item 4: the rules that watch the evidence (a trail stopped, a recovery point deleted, a vault's policy
    or lock changed, the audit bucket loosened, a restore failed) each target the alerts topic, the topic's policy
    lets exactly those rules publish (and CloudWatch's alarms, of this account), and the topic's key lets
    EventBridge encrypt: a rule whose message the topic refuses would alert no one."""
    resources = dev["Resources"]
    rules = {k: v for k, v in of_type(dev, "AWS::Events::Rule").items()}
    to_topic = {k for k, v in rules.items() if any(t["Arn"] == {"Ref": "AlertTopic"} for t in v["Properties"]["Targets"])}
    assert {"TrailTamperingRule", "RecoveryPointTamperingRule", "AuditBucketTamperingRule", "RestoreFailedRule"} <= to_topic
    policies = [p for p in of_type(dev, "AWS::SNS::TopicPolicy").values() if {"Ref": "AlertTopic"} in p["Properties"]["Topics"]]
    assert len(policies) == 1
    statements = policies[0]["Properties"]["PolicyDocument"]["Statement"]
    events = [s for s in statements if s["Effect"] == "Allow" and s["Principal"] == {"Service": "events.amazonaws.com"}]
    assert len(events) == 1 and events[0]["Action"] == "sns:Publish"
    allowed = {a["Fn::GetAtt"][0] for a in as_list(events[0]["Condition"]["ArnEquals"]["aws:SourceArn"])}
    assert allowed == to_topic
    alarms = [s for s in statements if s["Effect"] == "Allow" and s["Principal"] == {"Service": "cloudwatch.amazonaws.com"}]
    assert alarms and alarms[0]["Condition"]["StringEquals"]["aws:SourceAccount"] == {"Ref": "AWS::AccountId"}
    key = resources["DataKey"]["Properties"]["KeyPolicy"]["Statement"]
    assert any(
        s["Principal"] == {"Service": "events.amazonaws.com"} and "kms:GenerateDataKey*" in as_list(s["Action"])
        and s["Condition"]["StringEquals"]["aws:SourceAccount"] == {"Ref": "AWS::AccountId"}
        for s in key
    )
    # Every call named by the rules is one the services really make (CloudTrail's event names).
    backup = rules["RecoveryPointTamperingRule"]["Properties"]["EventPattern"]["detail"]["eventName"]
    assert {"DeleteRecoveryPoint", "PutBackupVaultAccessPolicy", "DeleteBackupVaultLockConfiguration"} <= set(backup)
    trail = rules["TrailTamperingRule"]["Properties"]["EventPattern"]["detail"]["eventName"]
    assert {"StopLogging", "DeleteTrail"} <= set(trail)
    bucket = rules["AuditBucketTamperingRule"]["Properties"]["EventPattern"]["detail"]
    assert bucket["requestParameters"]["bucketName"] == [{"Ref": "AuditTrailBucket"}]


def test_no_principal_can_grant_itself_the_data_key(dev):
    """#34 item 5 (review M9): the key's policy lets the account administer the key by named actions and use it only
    through the services; a grant is allowed only for an AWS resource through those services, so no principal can
    create a grant for itself and decrypt outside them."""
    statements = dev["Resources"]["DataKey"]["Properties"]["KeyPolicy"]["Statement"]
    for s in statements:
        actions = as_list(s["Action"])
        assert "kms:*" not in actions and "kms:Create*" not in actions, s["Sid"]
        if any(a in ("kms:CreateGrant", "kms:*Grant*") for a in actions):
            assert s["Condition"]["Bool"]["kms:GrantIsForAWSResource"] == "true", s["Sid"]
            assert "kms:ViaService" in s["Condition"]["StringEquals"], s["Sid"]
        if s["Sid"] == "AccountAdministers":
            assert not any(a.startswith(("kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey", "kms:ReEncrypt")) for a in actions)


def test_each_function_s_resource_policy_is_well_under_lambda_s_limit(prod):
    """Review M11: every API route a function is declared on is a statement of its resource policy, which Lambda
    caps at 20,480 bytes. Each statement as Lambda stores it, with a production stack's names and an account's
    numbers, summed per function, stays under half of that."""
    account, region, api = "123456789012", "ap-northeast-1", "a1b2c3d4e5"

    def sub(value):
        if isinstance(value, dict) and "Fn::Sub" in value:
            text, names = (value["Fn::Sub"], {}) if isinstance(value["Fn::Sub"], str) else value["Fn::Sub"]
            names = {k: (api if v == {"Ref": "HttpApi"} else v) for k, v in names.items()}
            names |= {"AWS::Partition": "aws", "AWS::Region": region, "AWS::AccountId": account, "HttpApi": api}
            for k, v in names.items():
                text = text.replace("${" + k + "}", str(v))
            return text
        return value

    sizes = {}
    for name, permission in of_type(prod, "AWS::Lambda::Permission").items():
        props = permission["Properties"]
        if props["Principal"] != "apigateway.amazonaws.com":
            continue
        function = function_of(prod, props["FunctionName"]).removesuffix("Aliaslive")
        short = prod["Resources"][function]["Properties"]["FunctionName"]["Fn::Sub"].replace("${Stage}", "prod")
        statement = {
            # CloudFormation names a permission after its stack and logical ID, with a random suffix.
            "Sid": f"zairyu-prod-{name}-ABCDEFGHIJKLM",
            "Effect": "Allow",
            "Principal": {"Service": "apigateway.amazonaws.com"},
            "Action": "lambda:InvokeFunction",
            "Resource": f"arn:aws:lambda:{region}:{account}:function:{short}:live",
            "Condition": {"ArnLike": {"AWS:SourceArn": sub(props["SourceArn"])}},
        }
        assert "${" not in statement["Condition"]["ArnLike"]["AWS:SourceArn"], statement
        sizes[function] = sizes.get(function, 0) + len(json.dumps(statement, separators=(",", ":")))
    assert set(sizes) == {"LoginFunction", "SubmitFunction", "StatusFunction", "OfficeFunction"}, sizes
    for function, size in sizes.items():
        assert size < 20_480 // 2, f"{function}: {size} bytes of Lambda's 20,480"
