//! The infrastructure cannot drift from the code: every function crate has its resource, every route of
//! the router is declared on the API by the function that serves it (and no other route is), and every
//! daily job has its schedule at its hour in Japan time.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeSet;
use std::path::Path;

use zairyu_app::access::Role;
use zairyu_domain::schedule::ScheduledJob;
use zairyu_http::routes::all as all_routes;

fn root() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/.."))
}

fn template() -> String {
    std::fs::read_to_string(root().join("infra/template.yaml")).unwrap()
}

/// (resource name, the lines of its block) for each top-level resource.
fn resources(t: &str) -> Vec<(String, Vec<String>)> {
    let mut out: Vec<(String, Vec<String>)> = Vec::new();
    for line in t.lines() {
        let is_resource = line.starts_with("  ")
            && !line.starts_with("   ")
            && line.trim_end().ends_with(':')
            && !line.trim().starts_with('#');
        if is_resource {
            out.push((line.trim().trim_end_matches(':').to_owned(), Vec::new()));
        } else if let Some(last) = out.last_mut() {
            last.1.push(line.to_owned());
        }
    }
    out
}

/// A resource's type.
fn kind(lines: &[String]) -> String {
    lines.iter().find_map(|l| l.trim().strip_prefix("Type: ")).unwrap_or("").to_owned()
}

/// The functions of the template by the name their resources share (`Login` for `LoginFunction`,
/// `LoginRole`, `LoginLogGroup`, …).
fn function_bases(all: &[(String, Vec<String>)]) -> Vec<String> {
    all.iter()
        .filter(|(n, l)| n.ends_with("Function") && kind(l) == "AWS::Serverless::Function")
        .map(|(n, _)| n.trim_end_matches("Function").to_owned())
        .collect()
}

#[test]
fn every_function_crate_has_a_resource_built_from_it() {
    let t = template();
    for entry in std::fs::read_dir(root().join("functions")).unwrap() {
        let entry = entry.unwrap();
        if !entry.path().join("Cargo.toml").exists() {
            continue;
        }
        let dir = entry.file_name().to_string_lossy().to_string();
        if dir == "local" {
            continue;
        }
        assert!(t.contains(&format!("CodeUri: ../functions/{dir}\n")), "no resource builds functions/{dir}");
        assert!(t.contains(&format!("Binary: {dir}\n")), "no resource names the binary {dir}");
    }
}

/// Every route is on the API, as its function's: declared alone, or under a prefix its function declares (a
/// `{proxy+}` route, review M11) that no other function's route shares. Nothing else is declared.
#[test]
fn every_route_is_declared_on_the_api_by_its_function_and_nothing_else_is() {
    let mut declared = BTreeSet::new();
    let mut prefixes = BTreeSet::new();
    for (name, lines) in resources(&template()) {
        for line in lines.iter().filter(|l| l.contains("Type: HttpApi")) {
            let method = line.split("Method: ").nth(1).and_then(|r| r.split(',').next()).unwrap().trim().to_owned();
            let path = line.split("Path: \"").nth(1).and_then(|r| r.split('"').next()).unwrap().to_owned();
            match path.strip_suffix("{proxy+}") {
                Some(prefix) => {
                    assert_eq!(method, "ANY", "{name} {path}: a prefix takes every method");
                    prefixes.insert((name.clone(), prefix.to_owned()));
                }
                None => {
                    declared.insert((name.clone(), method, path));
                }
            }
        }
    }
    let resource = |f: zairyu_http::Function| {
        let f = f.crate_dir();
        format!("{}{}Function", f[..1].to_uppercase(), &f[1..])
    };
    let api = all_routes().map(|r| (resource(r.function), r.method.to_owned(), r.path.to_owned()));
    let pages = zairyu_http::web::pages().map(|p| (resource(p.function), p.method.to_owned(), p.path.to_owned()));
    let wanted: BTreeSet<_> = api.chain(pages).collect();
    for (function, prefix) in &prefixes {
        let under: Vec<_> = wanted.iter().filter(|(_, _, path)| path.starts_with(prefix.as_str())).collect();
        assert!(!under.is_empty(), "{function} declares {prefix}{{proxy+}}, under which no route is");
        for (f, method, path) in under {
            assert_eq!(f, function, "{method} {path} is {f}'s, under {function}'s prefix {prefix}");
        }
    }
    let by_prefix = |(f, _, path): &&(String, String, String)| {
        prefixes.iter().any(|(function, prefix)| function == f && path.starts_with(prefix.as_str()))
    };
    let alone: BTreeSet<_> = wanted.iter().filter(|r| !by_prefix(r)).cloned().collect();
    assert_eq!(declared, alone);
}

#[test]
fn every_daily_job_has_its_schedule_at_its_hour_in_japan_time() {
    let t = template();
    for job in ScheduledJob::ALL {
        let code = serde_json::to_value(job).unwrap().as_str().unwrap().to_owned();
        let input = format!("\"detail\":{{\"job\":\"{code}\"}}");
        let at = t.find(&input).unwrap_or_else(|| panic!("no schedule for {code}"));
        let before = &t[..at];
        let cron = before.rsplit("ScheduleExpression: \"cron(").next().unwrap();
        let hour: u32 = cron.split_whitespace().nth(1).unwrap().parse().unwrap();
        assert_eq!(hour, job.hour_jst(), "{code}");
        let zone = before.rsplit("ScheduleExpressionTimezone: ").next().unwrap();
        assert!(zone.starts_with("Asia/Tokyo"), "{code}");
    }
}

/// Q52 and #13 item 8: every function serving HTTP routes gets the origin secret and the cursor key it
/// refuses to start without; CloudFront adds the origin header by the name the code checks, and forwards the
/// viewer's address the code audits.
#[test]
fn every_http_function_gets_the_edge_secret_and_cursor_key_and_cloudfront_sends_them() {
    let t = template();
    let blocks = resources(&t);
    let block = |name: &str| blocks.iter().find(|(n, _)| n == name).map(|(_, l)| l.join("\n")).unwrap();
    let http: BTreeSet<String> = all_routes()
        .map(|r| {
            let f = r.function.crate_dir();
            format!("{}{}Function", f[..1].to_uppercase(), &f[1..])
        })
        .collect();
    for (name, lines) in &blocks {
        let text = lines.join("\n");
        let gets = |var: &str| text.contains(&format!("{var}: "));
        let serves_http = http.contains(name);
        for var in ["ZAIRYU_ORIGIN_SECRET", "ZAIRYU_ORIGIN_SECRET_PREVIOUS", "ZAIRYU_CURSOR_KEY"] {
            assert_eq!(gets(var), serves_http, "{name}: {var}");
        }
    }
    let edge = block("Edge");
    let header = zairyu_http::edge::ORIGIN_HEADER;
    assert!(edge.to_ascii_lowercase().contains(&format!("headername: {header}")), "{edge}");
    assert!(edge.contains("{{resolve:secretsmanager:${OriginSecret}:SecretString}}"));
    let policy = block("ApiOriginRequestPolicy");
    assert!(policy.contains("CloudFront-Viewer-Address") && policy.contains("CloudFront-Viewer-Country"));
    assert!(!policy.contains("X-Forwarded-For"), "the viewer's address comes from CloudFront, not the client");
    // Every cookie and browser header the service reads reaches it: a cookie left out works on the local
    // server and nowhere else (the language chosen, the set-password link's page).
    let listed = |key: &str| -> Vec<String> {
        let line = policy.lines().find(|l| l.trim_start().starts_with(key)).unwrap_or_else(|| panic!("{key}"));
        let inner = line.split_once('[').unwrap().1.trim_end().trim_end_matches(']');
        inner.split(',').map(|h| h.trim().to_owned()).collect()
    };
    assert_eq!(listed("Cookies:"), zairyu_http::COOKIES);
    let headers = listed("Headers:");
    for h in zairyu_http::BROWSER_HEADERS {
        assert!(headers.iter().any(|x| x == h), "{h} is not forwarded: {headers:?}");
    }
}

/// #16 item 5: the uploads bucket lets the service's own origin (and no other) PUT to a presigned link with
/// every header the link is signed with — the headers a browser must send, asked of S3's adapter itself.
#[tokio::test]
async fn the_uploads_bucket_takes_a_browser_s_upload_from_the_service_s_origin_only() {
    use zairyu_app::ports::BlobStore;
    let t = template();
    let bucket = resources(&t).into_iter().find(|(n, _)| n == "UploadsBucket").unwrap().1.join("\n");
    let rule = bucket.split("CorsRules:").nth(1).expect("a CORS rule on the uploads bucket");
    let list = |key: &str| -> Vec<String> {
        let line = rule.lines().find(|l| l.trim_start().starts_with(key)).unwrap();
        line.split_once('[')
            .unwrap()
            .1
            .trim_end()
            .trim_end_matches(']')
            .split(',')
            .map(|h| h.trim().to_owned())
            .collect()
    };
    assert_eq!(list("AllowedMethods:"), ["PUT"]);
    assert_eq!(list("AllowedOrigins:"), ["!Sub \"https://${PublicDomainName}\""]);
    let allowed = list("AllowedHeaders:");
    let config =
        aws_config::SdkConfig::builder()
            .region(aws_config::Region::new("ap-northeast-1"))
            .credentials_provider(aws_sdk_s3::config::SharedCredentialsProvider::new(
                aws_sdk_s3::config::Credentials::new("AKIDEXAMPLE", "secret", None, None, "test"),
            ))
            .behavior_version(aws_config::BehaviorVersion::latest())
            .build();
    let blobs = zairyu_aws::S3Blobs::new(zairyu_aws::s3_client(&config), "b", Some("k".into()));
    let link =
        blobs.presign_put("uploads/o/u.xlsx", "application/x", 10, std::time::Duration::from_secs(60)).await.unwrap();
    for (name, _) in &link.headers {
        if name != "content-length" {
            assert!(allowed.contains(name), "the link needs {name}; CORS allows {allowed:?}");
        }
    }
}

/// #16 item 1: every alarm reaches someone (the alerts topic, whose e-mail subscription is a parameter), and
/// every function has an errors and a throttles alarm of its own.
#[test]
fn every_alarm_reaches_the_alerts_topic_and_every_function_has_its_alarms() {
    let t = template();
    let all = resources(&t);
    let alarms: Vec<_> = all.iter().filter(|(_, lines)| kind(lines) == "AWS::CloudWatch::Alarm").collect();
    assert!(alarms.len() >= 20, "{} alarms", alarms.len());
    for (name, lines) in &alarms {
        assert!(lines.iter().any(|l| l.trim() == "AlarmActions: [!Ref AlertTopic]"), "{name} reaches nobody");
    }
    let subscription = all.iter().find(|(n, _)| n == "AlertSubscription").unwrap().1.join("\n");
    assert!(subscription.contains("Protocol: email") && subscription.contains("Endpoint: !Ref AlarmEmail"));
    let functions: Vec<String> = function_bases(&all).into_iter().map(|b| format!("{b}Function")).collect();
    assert_eq!(functions.len(), 8, "{functions:?}");
    for f in &functions {
        for metric in ["Errors", "Throttles"] {
            let watching = alarms.iter().any(|(_, lines)| {
                lines.iter().any(|l| l.trim() == format!("MetricName: {metric}"))
                    && lines.iter().any(|l| l.trim() == format!("Value: !Ref {f}"))
            });
            assert!(watching, "no {metric} alarm for {f}");
        }
    }
}

/// #16 item 3: a stack deletion keeps the data and what reads it: the table, the buckets, the key that
/// encrypts them, and the logs.
#[test]
fn a_teardown_keeps_the_data_its_key_and_the_logs() {
    let t = template();
    let all = resources(&t);
    let kept = ["AWS::DynamoDB::Table", "AWS::S3::Bucket", "AWS::KMS::Key", "AWS::Logs::LogGroup"];
    let mut checked = 0;
    for (name, lines) in &all {
        if kept.contains(&kind(lines).as_str()) {
            checked += 1;
            for policy in ["DeletionPolicy: Retain", "UpdateReplacePolicy: Retain"] {
                assert!(lines.iter().any(|l| l.trim() == policy), "{name} lacks {policy}");
            }
        }
    }
    assert!(checked >= 14, "{checked} resources checked");
}

/// #16 item 6: every function writes JSON logs into its own log group, which keeps them for the stage's
/// retention and is named after the function.
#[test]
fn every_function_logs_json_into_its_own_log_group() {
    let t = template();
    let all = resources(&t);
    let block = |name: &str| all.iter().find(|(n, _)| n == name).map(|(_, l)| l.join("\n"));
    let bases = function_bases(&all);
    assert_eq!(bases.len(), 8);
    for base in &bases {
        let f = &format!("{base}Function");
        let body = block(f).unwrap();
        assert!(body.contains("LogFormat: JSON"), "{f}");
        assert!(body.contains(&format!("LogGroup: !Ref {base}LogGroup")), "{f} logs elsewhere");
        let name = body.lines().find_map(|l| l.trim().strip_prefix("FunctionName: ")).unwrap().to_owned();
        let group = block(&format!("{base}LogGroup")).expect("its log group");
        let group_name = group.lines().find_map(|l| l.trim().strip_prefix("LogGroupName: ")).unwrap();
        assert_eq!(group_name.replace("/aws/lambda/", ""), name, "{f}");
        assert!(group.contains("RetentionInDays: !Ref LogRetentionDays"), "{f}");
    }
}

/// #16 item 2: the notification queue's poller invokes notify no more often at once than notify may run
/// (its reserved concurrency), so no message is throttled back and dead-lettered before its attempts.
#[test]
fn the_notification_poller_stays_under_notify_s_reserved_concurrency() {
    let t = template();
    let number = |text: &str, key: &str| -> Option<u32> {
        text.lines().find_map(|l| l.trim().strip_prefix(key).and_then(|v| v.trim().parse().ok()))
    };
    let all = resources(&t);
    let notify = all.iter().find(|(n, _)| n == "NotifyFunction").unwrap().1.join("\n");
    let globals = t.split("Globals:").nth(1).unwrap().split("\nResources:").next().unwrap();
    let reserved = number(&notify, "ReservedConcurrentExecutions:")
        .or_else(|| number(globals, "ReservedConcurrentExecutions:"))
        .unwrap();
    assert!(notify.contains("MaximumConcurrency: !Ref NotifyConcurrency"), "the poller's concurrency is the parameter");
    let parameter =
        t.split("\n  NotifyConcurrency:\n").nth(1).unwrap().split("\n  NotificationMaxReceives:").next().unwrap();
    let (least, most) = (number(parameter, "MinValue:").unwrap(), number(parameter, "MaxValue:").unwrap());
    assert!(2 <= least && most < reserved, "poller {least}..={most}, reserved {reserved}");
    // notify paces its sends by the same figure (its share of the account's SES rate).
    assert!(notify.contains("ZAIRYU_MAIL_CONCURRENCY: !Ref NotifyConcurrency"));
}

/// #16 item 9: what the template says of the blanket files and the notification queue is what the code does.
#[test]
fn the_upload_event_filter_and_the_queue_s_attempts_match_the_code() {
    let t = template();
    let all = resources(&t);
    let batch = all.iter().find(|(n, _)| n == "BatchUploadFunction").unwrap().1.join("\n");
    let rule = |name: &str| -> String {
        let line = batch.lines().find(|l| l.contains(&format!("Name: {name}, Value: "))).unwrap();
        line.split("Value: ").nth(1).unwrap().trim().trim_end_matches('}').trim().to_owned()
    };
    let org = zairyu_domain::application::OrganizationId::parse("sakura-systems").unwrap();
    let key = zairyu_app::services::blanket::upload_key(&org, "01JDQ9ZK3V6W0C5X8N2M4P7R9T");
    assert!(key.starts_with(&rule("prefix")) && key.ends_with(&rule("suffix")), "{key} vs the S3 event filter");
    assert!(batch.contains("Bucket: !Ref UploadsBucket"));
    let attempts = t.split("  NotificationMaxReceives:").nth(1).unwrap();
    let default = attempts.lines().find_map(|l| l.trim().strip_prefix("Default: ")).unwrap();
    assert_eq!(default.parse::<u32>().unwrap(), zairyu_app::ports::NOTIFICATION_ATTEMPTS);
    assert!(t.contains("maxReceiveCount: !Ref NotificationMaxReceives"));
}

/// #16 item 4: the edge protects the service — HTTPS only with HSTS and the security headers on every
/// response, its standard logs kept, the WAF ACL attached from its us-east-1 stack (required for prod with
/// a certificate), and the WAF's rate rules aimed at routes the router really serves.
#[test]
fn the_edge_is_https_only_with_security_headers_logs_and_its_waf() {
    let t = template();
    let all = resources(&t);
    let block = |name: &str| all.iter().find(|(n, _)| n == name).map(|(_, l)| l.join("\n")).unwrap();
    let edge = block("Edge");
    assert!(edge.contains("ViewerProtocolPolicy: https-only"));
    assert!(edge.contains("ResponseHeadersPolicyId: !Ref SecurityHeaders"));
    assert!(edge.contains("WebACLId: !If [HasWebAcl, !Ref WebAclArn, !Ref AWS::NoValue]"));
    // #30 item 3: no legacy logs (they keep the query string); standard logging v2 from infra/edge-logs.yaml.
    assert!(!edge.contains("Logging:"), "legacy CloudFront logs keep query strings");
    let headers = block("SecurityHeaders");
    for needle in [
        "StrictTransportSecurity:",
        "AccessControlMaxAgeSec: 63072000",
        "ContentTypeOptions:",
        "FrameOption: DENY",
        "ReferrerPolicy:",
    ] {
        assert!(headers.contains(needle), "{needle}");
    }
    let rule = t.split("ProductionHasItsEdgeProtection:").nth(1).unwrap().split("\nConditions:").next().unwrap();
    assert!(rule.contains("!Equals [!Ref Stage, prod]"));
    assert!(rule.contains("!Ref CertificateArn") && rule.contains("!Ref WebAclArn"));

    // #17: the pages' assets (named by content hash) are cached at the edge, and nothing of a user's (cookies,
    // query strings) reaches or varies them; everything else passes uncached.
    let statics = edge.split("CacheBehaviors:").nth(1).expect("a cache behaviour for the assets");
    assert!(statics.contains("PathPattern: /static/*"));
    assert!(statics.contains("CachePolicyId: 658327ea-f89d-4fab-a63d-7e88639e58f6"), "managed CachingOptimized");
    assert!(statics.contains("AllowedMethods: [GET, HEAD]"));
    assert!(statics.contains("ResponseHeadersPolicyId: !Ref SecurityHeaders"));
    let policy = block("StaticOriginRequestPolicy");
    assert!(policy.contains("CookieBehavior: none") && policy.contains("QueryStringBehavior: none"));
    assert!(zairyu_http::web::css_path().starts_with("/static/"), "the style sheet is under the cached path");
    let waf = std::fs::read_to_string(root().join("infra/edge-waf.yaml")).unwrap();
    assert!(waf.contains("Scope: CLOUDFRONT") && waf.contains("WebAclArn:"));
    let paths: Vec<&str> = all_routes().map(|r| r.path).chain(zairyu_http::web::pages().map(|p| p.path)).collect();
    for prefix in waf.lines().filter_map(|l| l.trim().strip_prefix("SearchString: ")).filter(|s| s.starts_with('/')) {
        assert!(paths.iter().any(|p| p.starts_with(prefix)), "the WAF limits {prefix}, which no route serves");
    }
    for managed in [
        "AWSManagedRulesCommonRuleSet",
        "AWSManagedRulesKnownBadInputsRuleSet",
        "AWSManagedRulesAmazonIpReputationList",
    ] {
        assert!(waf.contains(managed), "{managed}");
    }
}

/// #16 item 7: a function's role writes only its own log group (no `zairyu-<stage>-*` pattern), and each
/// function runs with the role named after it.
#[test]
fn each_role_writes_only_its_own_function_s_log_group() {
    let t = template();
    let all = resources(&t);
    assert!(!t.contains("log-group:/aws/lambda/zairyu-${Stage}-*"), "no pattern over every function's logs");
    let functions = function_bases(&all);
    assert_eq!(functions.len(), 8);
    for f in &functions {
        let function = all.iter().find(|(n, _)| *n == format!("{f}Function")).unwrap().1.join("\n");
        assert!(function.contains(&format!("Role: !GetAtt {f}Role.Arn")), "{f} runs with its own role");
        let role = all.iter().find(|(n, _)| *n == format!("{f}Role")).unwrap().1.join("\n");
        let logs: Vec<&str> = role.lines().filter(|l| l.contains("LogGroup.Arn")).collect();
        assert_eq!(logs, [format!("                Resource: !GetAtt {f}LogGroup.Arn").as_str()], "{f}");
    }
}

/// #16 item 6: two stages live in one account — every schedule is named with its stage — and every
/// function is traced (active tracing, with the role to write the traces).
#[test]
fn schedules_carry_the_stage_and_every_function_is_traced() {
    let t = template();
    let schedules = t.matches("Type: ScheduleV2").count();
    assert!(schedules >= 7, "{schedules}");
    let named = t
        .lines()
        .filter(|l| l.trim().starts_with("Name: !Sub \"zairyu-${Stage}-") && l.starts_with("            "))
        .count();
    assert_eq!(named, schedules, "each schedule named with its stage");
    let globals = t.split("Globals:").nth(1).unwrap().split("\nResources:").next().unwrap();
    assert!(globals.contains("Tracing: Active"));
    for (name, lines) in resources(&t) {
        let lambda_role = lines.iter().any(|l| l.contains("lambda.amazonaws.com") || l.contains("*lambda-trust"));
        if lines.iter().any(|l| l.trim() == "Type: AWS::IAM::Role") && lambda_role {
            assert!(lines.iter().any(|l| l.contains("policy/AWSXRayDaemonWriteAccess")), "{name} cannot write traces");
        }
    }
}

/// Every source file under `dir` (recursively), as text.
fn sources(dir: &Path, out: &mut Vec<(String, String)>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            if !path.ends_with("target") {
                sources(&path, out);
            }
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push((path.display().to_string(), std::fs::read_to_string(&path).unwrap()));
        }
    }
}

/// #16 item 9: every `ZAIRYU_*` variable the deployed code reads (the shared crates and the Lambda
/// functions) is set by the template; only the local server's own settings and the tests' are not.
#[test]
fn every_variable_the_deployed_code_reads_is_set_by_the_template() {
    let t = template();
    let mut dirs = vec![root().join("shared")];
    for entry in std::fs::read_dir(root().join("functions")).unwrap() {
        let dir = entry.unwrap().path();
        if dir.is_dir() && !dir.ends_with("local") {
            dirs.push(dir.join("src"));
        }
    }
    // Not for a deployment: the tests' moto endpoint; the CIDR allow-list of `ZAIRYU_GEO=cidr`, a setting for
    // running without CloudFront (the template uses `japan`, CloudFront's viewer country).
    let local_or_test = ["ZAIRYU_MOTO_URL", "ZAIRYU_GEO_ALLOW"];
    let read: BTreeSet<String> = dirs.iter().flat_map(|d| variables_read(d)).collect();
    assert!(read.len() >= 15, "{read:?}");
    for name in read.iter().filter(|n| !local_or_test.contains(&n.as_str())) {
        assert!(t.contains(&format!("{name}: ")), "the code reads {name}; the template never sets it");
    }
}

/// #16 item 3: the data key's administration and use are apart — nobody holds `kms:*`, and the account's
/// principals use the key only through the services that keep the data.
#[test]
fn the_data_key_is_used_only_through_the_services_that_keep_the_data() {
    let t = template();
    let all = resources(&t);
    let key = all.iter().find(|(n, _)| n == "DataKey").unwrap().1.join("\n");
    assert!(!key.contains("\"kms:*\""), "no statement grants every action");
    let use_statement = key.split("Sid: AccountUsesThroughServices").nth(1).unwrap().split("- Sid:").next().unwrap();
    assert!(use_statement.contains("kms:Decrypt") && use_statement.contains("kms:ViaService:"));
    for service in ["dynamodb", "s3", "sqs", "secretsmanager", "lambda"] {
        assert!(use_statement.contains(&format!("\"{service}.${{AWS::Region}}.amazonaws.com\"")), "{service}");
    }
    let admin = key.split("Sid: AccountAdministers").nth(1).unwrap().split("- Sid:").next().unwrap();
    assert!(!admin.contains("kms:Decrypt") && !admin.contains("kms:GenerateDataKey"), "administration is not use");
    // #34 item 5: no statement lets a principal make itself a grant (review M9).
    assert!(!key.contains("kms:Create*"), "kms:Create* includes kms:CreateGrant");
    let grants = |s: &&str| s.lines().any(|l| l.trim().starts_with("Action:") && l.contains("kms:CreateGrant"));
    for statement in key.split("- Sid:").filter(grants) {
        assert!(statement.contains("kms:GrantIsForAWSResource: \"true\""), "{statement}");
    }
}

/// #16 item 6: each HTTP function is deployed gradually through its `live` alias and rolled back by its own
/// alarms: its invocation errors and the 5xx answers counted from its request lines (the line's shape is held by
/// `tests/logs.rs`).
#[test]
fn every_http_function_is_deployed_gradually_and_rolled_back_on_its_alarms() {
    let t = template();
    let all = resources(&t);
    let block = |name: &str| all.iter().find(|(n, _)| n == name).map(|(_, l)| l.join("\n")).unwrap_or_default();
    let http: BTreeSet<String> = zairyu_http::Function::ALL
        .iter()
        .map(|f| {
            let d = f.crate_dir();
            format!("{}{}", d[..1].to_uppercase(), &d[1..])
        })
        .collect();
    assert_eq!(http.len(), 4);
    for base in &http {
        let function = block(&format!("{base}Function"));
        assert!(function.contains("AutoPublishAlias: live"), "{base}");
        assert!(function.contains("Type: !Ref DeploymentStyle"), "{base}");
        assert!(
            function.contains(&format!("Alarms: [!Ref {base}ErrorsAlarm, !Ref {base}ServerErrorsAlarm]")),
            "{base}: rollback alarms"
        );
        let filter = block(&format!("{base}ServerErrors"));
        assert!(filter.contains(&format!("LogGroupName: !Ref {base}LogGroup")), "{base}");
        assert!(filter.contains(r#"FilterPattern: "{ $.fields.status >= 500 }""#), "{base}: {filter}");
        assert!(filter.contains(&format!("MetricName: {base}ServerErrors")), "{base}");
        let alarm = block(&format!("{base}ServerErrorsAlarm"));
        assert!(alarm.contains(&format!("MetricName: {base}ServerErrors")), "{base}");
        assert!(alarm.contains(r#"Namespace: !Sub "zairyu-${Stage}""#), "{base}");
    }
    // The other functions are not behind an alias: their triggers (S3, SQS, schedules) call $LATEST.
    for base in function_bases(&all).iter().filter(|b| !http.contains(*b)) {
        assert!(!block(&format!("{base}Function")).contains("AutoPublishAlias"), "{base}");
    }
}

/// #16 item 3: the table and the photos are backed up daily and copied to a vault in a second region (a
/// template of its own, required for prod); every read and write of a photo is in a CloudTrail trail; the
/// vaults and their keys outlive a stack deletion.
#[test]
fn the_data_is_backed_up_to_a_second_region_and_photo_access_is_on_record() {
    let t = template();
    let all = resources(&t);
    let block = |name: &str| all.iter().find(|(n, _)| n == name).map(|(_, l)| l.join("\n")).unwrap_or_default();
    let selection = block("BackupSelection");
    assert!(selection.contains("Resources: [!GetAtt Table.Arn, !GetAtt PhotosBucket.Arn]"), "{selection}");
    let plan = block("BackupPlan");
    assert!(plan.contains("DestinationBackupVaultArn: !Ref BackupCopyVaultArn"), "{plan}");
    assert!(plan.contains("ScheduleExpressionTimezone: Asia/Tokyo"), "{plan}");
    assert!(t.contains("- Assert: !Not [!Equals [!Ref BackupCopyVaultArn, \"\"]]"), "prod must copy its backups");
    assert!(block("PhotosBucket").contains("Status: Enabled"), "S3 backups need versioning");
    let alarm = block("BackupFailuresAlarm");
    assert!(alarm.contains("NumberOfBackupJobsFailed") && alarm.contains("NumberOfCopyJobsFailed"));

    let trail = block("PhotoAccessTrail");
    assert!(trail.contains("{ Field: eventCategory, Equals: [Data] }"), "{trail}");
    assert!(trail.contains(r#"StartsWith: [!Sub "${PhotosBucket.Arn}/"]"#), "{trail}");
    assert!(trail.contains("EnableLogFileValidation: true") && trail.contains("KMSKeyId: !GetAtt DataKey.Arn"));
    // The trail's name as its resource, the bucket policy and the key policy spell it.
    let name = r#"TrailName: !Sub "zairyu-${Stage}-photo-access""#;
    assert!(trail.contains(name));
    let arn = ":trail/zairyu-${Stage}-photo-access\"";
    assert_eq!(block("AuditTrailBucketPolicy").matches(arn).count(), 2);
    assert_eq!(block("DataKey").matches(arn).count(), 1);

    for (file, kinds) in [
        ("infra/template.yaml", vec!["AWS::Backup::BackupVault", "AWS::S3::Bucket"]),
        ("infra/backup-copy.yaml", vec!["AWS::Backup::BackupVault", "AWS::KMS::Key"]),
    ] {
        let text = std::fs::read_to_string(root().join(file)).unwrap();
        for (name, lines) in resources(&text).iter().filter(|(_, l)| kinds.contains(&kind(l).as_str())) {
            assert!(lines.iter().any(|l| l.trim() == "DeletionPolicy: Retain"), "{file}: {name}");
        }
    }
}

/// #34 item 4: evidence the account itself cannot erase. The audit trail's bucket is under object lock in
/// compliance mode for the audit retention (the same parameter its lifecycle deletes by, so a record is
/// neither deleted early nor kept past it); the copy vault in the second region under a vault lock in
/// compliance mode, its least days the copies' own; calls that would stop a trail, delete a recovery point
/// or loosen a vault alert the operators (both regions); the table is restored from a backup every week.
#[test]
fn the_evidence_is_locked_and_every_attempt_on_it_alerts_the_operators() {
    let t = template();
    let all = resources(&t);
    let block = |name: &str| all.iter().find(|(n, _)| n == name).map(|(_, l)| l.join("\n")).unwrap_or_default();
    let bucket = block("AuditTrailBucket");
    for line in [
        "ObjectLockEnabled: true",
        "Mode: COMPLIANCE",
        "Days: !Ref AuditRetentionDays",
        "ExpirationInDays: !Ref AuditRetentionDays",
    ] {
        assert!(bucket.contains(line), "the audit trail bucket lacks {line}");
    }
    let copy = std::fs::read_to_string(root().join("infra/backup-copy.yaml")).unwrap();
    let copies = resources(&copy);
    let vault = copies.iter().find(|(n, _)| n == "CopyVault").unwrap().1.join("\n");
    for line in
        ["LockConfiguration:", "MinRetentionDays: !Ref CopyMinRetentionDays", "ChangeableForDays: !Ref LockGraceDays"]
    {
        assert!(vault.contains(line), "the copy vault lacks {line}");
    }
    // The copies' least locked days are the days the main stack keeps them.
    let kept = block("BackupPlan");
    let copy_days = kept.split("DestinationBackupVaultArn").nth(1).unwrap();
    let days: u32 =
        copy_days.split("DeleteAfterDays: ").nth(1).unwrap().lines().next().unwrap().trim().parse().unwrap();
    let default = copy.split("CopyMinRetentionDays:").nth(1).unwrap().split("Default: ").nth(1).unwrap();
    let default: u32 = default.lines().next().unwrap().trim().parse().unwrap();
    assert_eq!(days, default, "the copies are kept {days} days but locked for {default}");
    // The copy region forwards the same calls the main region alerts on.
    let names = |text: &str| -> BTreeSet<String> {
        text.split("eventName:")
            .nth(1)
            .unwrap()
            .lines()
            .skip(1)
            .take_while(|l| l.trim_start().starts_with("- "))
            .map(|l| l.trim().trim_start_matches("- ").to_owned())
            .collect()
    };
    let watched = names(&block("RecoveryPointTamperingRule"));
    let forwarded = names(&copies.iter().find(|(n, _)| n == "ForwardBackupCallsRule").unwrap().1.join("\n"));
    assert!(forwarded.contains("DeleteRecoveryPoint") && forwarded.is_subset(&watched), "{forwarded:?} vs {watched:?}");
    for rule in ["TrailTamperingRule", "RecoveryPointTamperingRule", "AuditBucketTamperingRule", "RestoreFailedRule"] {
        assert!(block(rule).contains("Arn: !Ref AlertTopic"), "{rule} reaches nobody");
    }
    let restore = block("TableRestoreTestingSelection");
    assert!(restore.contains("ProtectedResourceArns: [!GetAtt Table.Arn]"), "{restore}");
    assert!(restore.contains("RestoreTestingPlanName: !Ref TableRestoreTestingPlan"));
    assert!(block("TableRestoreTestingPlan").contains("IncludeVaults: [!GetAtt BackupVault.BackupVaultArn]"));
}

/// The `ZAIRYU_*` names the Rust sources under `dir` read (string literals), tests excluded.
fn variables_read(dir: &Path) -> BTreeSet<String> {
    let mut files = Vec::new();
    sources(dir, &mut files);
    let mut read = BTreeSet::new();
    let base = dir.display().to_string();
    for (path, text) in &files {
        // Tests under `dir` (not the directory it sits in, whatever that is called).
        if path.trim_start_matches(&base).contains("/tests/") {
            continue;
        }
        for piece in text.split('"').skip(1).step_by(2) {
            if piece.starts_with("ZAIRYU_") && piece.chars().all(|c| c.is_ascii_uppercase() || c == '_') {
                read.insert(piece.to_owned());
            }
        }
    }
    read
}

/// The `ZAIRYU_*` variables set in a block of the template (`Globals` or one function's `Environment`).
fn variables_set(block: &str) -> BTreeSet<String> {
    block
        .lines()
        .filter_map(|l| l.trim().split_once(':').map(|(name, _)| name))
        .filter(|name| name.starts_with("ZAIRYU_") && name.chars().all(|c| c.is_ascii_uppercase() || c == '_'))
        .map(str::to_owned)
        .collect()
}

/// #16 item 9, per function: each function gets (from `Globals` or its own block) every variable that the
/// crates it is built from read — resolved by `cargo tree` for that function alone — and its own block sets
/// nothing those crates do not read.
#[test]
fn each_function_gets_the_variables_its_own_crates_read_and_no_others_of_its_own() {
    let t = template();
    let all = resources(&t);
    let globals = variables_set(t.split("Globals:").nth(1).unwrap().split("\nResources:").next().unwrap());
    let not_deployed = ["ZAIRYU_MOTO_URL", "ZAIRYU_GEO_ALLOW"];
    for base in function_bases(&all) {
        let block = all.iter().find(|(n, _)| *n == format!("{base}Function")).unwrap().1.join("\n");
        let dir = block.split("CodeUri: ../functions/").nth(1).unwrap().lines().next().unwrap().trim().to_owned();
        let out = std::process::Command::new(env!("CARGO"))
            .args(["tree", "-p", &format!("zairyu-{dir}"), "-e", "normal", "--prefix", "none", "--locked", "--offline"])
            .current_dir(root())
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        // Our own crates are the ones with a path: `zairyu-aws v0.1.0 (/…/shared/aws)`.
        let crates: BTreeSet<String> = String::from_utf8(out.stdout)
            .unwrap()
            .lines()
            .filter(|l| l.starts_with("zairyu-"))
            .filter_map(|l| {
                l.split_once(" (").map(|(_, p)| p.trim_end_matches(" (*)").trim_end_matches(')').to_owned())
            })
            .collect();
        assert!(crates.len() >= 4, "{dir}: {crates:?}");
        let read: BTreeSet<String> = crates
            .iter()
            .flat_map(|c| variables_read(&Path::new(c).join("src")))
            .filter(|v| !not_deployed.contains(&v.as_str()))
            .collect();
        let own = variables_set(&block);
        for variable in &read {
            assert!(
                globals.contains(variable) || own.contains(variable),
                "{base} reads {variable}; the template does not set it for it"
            );
        }
        // Read by nobody on purpose: raising it changes the function's configuration, so that a deploy makes
        // the function resolve the rotated origin secret again (infra/README.md, "Rotating the origin secret").
        let deploy_only = ["ZAIRYU_ORIGIN_SECRET_GENERATION"];
        for variable in own.iter().filter(|v| !deploy_only.contains(&v.as_str())) {
            assert!(read.contains(variable), "{base} is given {variable}, which none of its crates reads");
        }
    }
}

/// The SDK operations an adapter source file calls on its client (`client.get_item(`, across line breaks).
fn sdk_operations(file: &str) -> BTreeSet<String> {
    let text: String = std::fs::read_to_string(root().join("shared/aws/src").join(file))
        .unwrap()
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    text.match_indices("client.")
        .filter_map(|(i, m)| {
            let rest = &text[i + m.len()..];
            let name: String = rest.chars().take_while(|c| c.is_ascii_lowercase() || *c == '_').collect();
            (rest[name.len()..].starts_with('(') && !["clone", "config"].contains(&name.as_str())).then_some(name)
        })
        .collect()
}

/// An operation's IAM action(s): `get_item` → `GetItem`; a transaction is authorized item by item.
fn actions_of(service: &str, operation: &str) -> Vec<String> {
    if operation == "transact_write_items" {
        return ["PutItem", "UpdateItem", "DeleteItem", "ConditionCheckItem"]
            .map(|a| format!("{service}:{a}"))
            .to_vec();
    }
    let pascal: String = operation.split('_').map(|w| w[..1].to_uppercase() + &w[1..]).collect();
    vec![format!("{service}:{pascal}")]
}

/// The actions of every `Action:` line of a block (one action or a list).
fn granted(block: &str) -> BTreeSet<String> {
    block
        .lines()
        .filter_map(|l| l.trim().strip_prefix("Action: "))
        .flat_map(|a| {
            a.trim_matches(|c| c == '[' || c == ']').split(',').map(|x| x.trim().to_owned()).collect::<Vec<_>>()
        })
        .collect()
}

/// #16 item 9: the IAM actions the AWS adapters' calls need are granted, and nothing is granted that no call
/// needs. Each SDK operation an adapter calls (read from its source) maps to its action; the statements that
/// serve the adapter hold exactly those. Operations that only make resources for emulators and tests
/// (`create_*`, `update_time_to_live`) are no deployed function's.
#[test]
fn the_roles_grant_exactly_the_actions_the_adapters_call() {
    let t = template();
    let all = resources(&t);
    let block = |name: &str| all.iter().find(|(n, _)| n == name).map(|(_, l)| l.join("\n")).unwrap();
    let for_emulators = |op: &str| op.starts_with("create_") || op == "update_time_to_live";
    let needed = |file: &str, service: &str, only: &dyn Fn(&str) -> bool| -> BTreeSet<String> {
        let ops = sdk_operations(file);
        assert!(!ops.is_empty(), "{file}: no operation found");
        ops.iter().filter(|op| !for_emulators(op) && only(op)).flat_map(|op| actions_of(service, op)).collect()
    };
    let with_prefix = |set: BTreeSet<String>, prefix: &str| -> BTreeSet<String> {
        set.into_iter().filter(|a| a.starts_with(prefix)).collect()
    };

    // The table: each function's role its own policy, by the partitions its role reaches (below); together
    // they hold exactly the actions the adapter calls.
    let roles: BTreeSet<String> = Role::ALL.iter().map(|r| r.resource_name().to_owned()).collect();
    assert_eq!(roles, function_bases(&all).into_iter().collect(), "a role per deployed function");
    let table: BTreeSet<String> = Role::ALL
        .iter()
        .flat_map(|r| with_prefix(granted(&block(&format!("{}TableAccessPolicy", r.resource_name()))), "dynamodb:"))
        .collect();
    assert_eq!(table, needed("dynamodb.rs", "dynamodb", &|_| true));
    // The queue: the producers send; notify's event source consumes (receive, delete, visibility, attributes).
    let consuming = |op: &str| op != "send_message";
    assert_eq!(granted(&block("QueueSendPolicy")), needed("sqs.rs", "sqs", &|op| !consuming(op)));
    assert_eq!(with_prefix(granted(&block("NotifyRole")), "sqs:"), needed("sqs.rs", "sqs", &consuming));
    // The buckets: the photos' policy holds every object action the adapter takes; the others a part of it.
    let s3 = needed("s3.rs", "s3", &|_| true);
    assert_eq!(granted(&block("PhotosAccessPolicy")), s3);
    for policy in ["UploadsAccessPolicy", "TemplatesAccessPolicy", "PurgeFilesPolicy"] {
        assert!(granted(&block(policy)).is_subset(&s3), "{policy}");
    }
    // The nightly purge (in reminders) deletes an ended application's photo and documents (tests/services.rs).
    let purge = block("PurgeFilesPolicy");
    assert!(block("RemindersRole").contains("!Ref PurgeFilesPolicy"));
    assert!(purge.contains("Action: s3:DeleteObject") && purge.contains("/photos/*") && purge.contains("/documents/*"));
    // Mail: notify sends.
    assert_eq!(with_prefix(granted(&block("NotifyRole")), "ses:"), needed("ses.rs", "ses", &|_| true));
}

/// #34 item 5 (review M8): each function's role reaches the table's items by the partitions its code reads and
/// writes and the index partitions it queries (`dynamodb:LeadingKeys`), as `Role::reach` decides; every test that
/// runs a function's code runs it through a table that refuses anything else (`tests/support.rs`, `Reaching`).
#[test]
fn each_role_reaches_the_table_s_partitions_its_code_uses_and_no_others() {
    let t = template();
    let all = resources(&t);
    let block = |name: &str| all.iter().find(|(n, _)| n == name).map(|(_, l)| l.join("\n")).unwrap_or_default();
    let keys = |prefixes: &[&str]| -> String {
        let quoted: Vec<String> =
            prefixes.iter().map(|p| if p.ends_with('#') { format!("\"{p}*\"") } else { format!("\"{p}\"") }).collect();
        format!("dynamodb:LeadingKeys: [{}]", quoted.join(", "))
    };
    for role in Role::ALL {
        let name = role.resource_name();
        let policy = block(&format!("{name}TableAccessPolicy"));
        let attached = block(&format!("{name}Role"));
        assert!(attached.contains(&format!("!Ref {name}TableAccessPolicy")), "{name}: its table policy");
        assert!(!attached.contains("!Ref TableAccessPolicy"), "{name}: no policy over the whole table");
        let statement = |sid: &str| policy.split("- Sid: ").find(|s| s.starts_with(sid)).map(str::to_owned);
        let reach = role.reach();
        for (sid, prefixes, actions, resource) in [
            (
                "Reads\n",
                reach.reads,
                "[dynamodb:GetItem, dynamodb:BatchGetItem, dynamodb:Query, dynamodb:ConditionCheckItem]",
                "!GetAtt Table.Arn\n",
            ),
            (
                "Writes\n",
                reach.writes,
                "[dynamodb:PutItem, dynamodb:UpdateItem, dynamodb:DeleteItem]",
                "!GetAtt Table.Arn\n",
            ),
            ("IndexReads\n", reach.index_reads, "dynamodb:Query\n", "!Sub \"${Table.Arn}/index/*\"\n"),
        ] {
            let Some(s) = statement(sid) else {
                assert!(prefixes.is_empty(), "{name}: no {sid} statement for {prefixes:?}");
                continue;
            };
            assert!(!prefixes.is_empty(), "{name}: a {sid} statement its role does not need");
            assert!(s.contains(&format!("Action: {actions}")), "{name} {sid}: {s}");
            assert!(s.contains(&format!("Resource: {resource}")), "{name} {sid}: {s}");
            assert!(s.contains("ForAllValues:StringLike:"), "{name} {sid}: every key of a request must match");
            assert!(s.contains(&keys(prefixes)), "{name} {sid}: {s}\nwanted {}", keys(prefixes));
        }
    }
}

/// #16 item 7: the secondary indexes project only what reads through them use.
#[test]
fn the_indexes_project_what_their_readers_read() {
    let t = template();
    let table = resources(&t).into_iter().find(|(n, _)| n == "Table").unwrap().1.join("\n");
    let wanted = format!(
        "Projection: {{ ProjectionType: INCLUDE, NonKeyAttributes: [{}] }}",
        zairyu_app::store::INDEX_PROJECTION.join(", ")
    );
    assert_eq!(table.matches(&wanted).count(), 2, "{wanted}\n{table}");
    assert!(!table.contains("ProjectionType: ALL"));
}

/// The WAF's rules over one route: its regular expressions (of the pattern set `name`).
fn waf_patterns(waf: &str, name: &str) -> Vec<regex_lite::Regex> {
    let block = waf.split(&format!("\n  {name}:\n")).nth(1).unwrap();
    block
        .lines()
        .take_while(|l| l.is_empty() || l.starts_with("   "))
        .filter_map(|l| l.trim().strip_prefix("- \"").and_then(|s| s.strip_suffix('"')))
        .map(|r| regex_lite::Regex::new(r).unwrap())
        .collect()
}

/// A rule of the web ACL by name: its lines up to the next rule.
fn waf_rule<'a>(waf: &'a str, name: &str) -> &'a str {
    waf.split(&format!("        - Name: {name}\n")).nth(1).unwrap().split("\n        - Name: ").next().unwrap()
}

/// A route's template as a request's path (`{id}` → a value).
fn concrete(path: &str) -> String {
    path.split('/').map(|s| if s.starts_with('{') { "A1b2" } else { s }).collect::<Vec<_>>().join("/")
}

/// #30 item 3: uploads pass the edge. The core rule set's 8 KB body rule only counts; each route that takes a
/// file is in the WAF's pattern set for its kind, and no other route is; the WAF refuses exactly what the
/// application refuses: a photo route's body over `limits::PHOTO`, the list file's over `limits::LIST_FILE`
/// (by its declared length), any other body over `limits::DEFAULT`.
#[test]
fn uploads_pass_the_edge_and_each_route_s_body_limit_is_the_application_s() {
    use zairyu_http::limits;
    let waf = std::fs::read_to_string(root().join("infra/edge-waf.yaml")).unwrap();
    let common = waf_rule(&waf, "common");
    for rule in ["SizeRestrictions_BODY", "CrossSiteScripting_BODY", "GenericLFI_BODY"] {
        assert!(common.contains(&format!("{{ Name: {rule}, ActionToUse: {{ Count: {{}} }} }}")), "{rule} still blocks");
    }
    assert!(waf.contains("CLOUDFRONT: { DefaultSizeInspectionLimit: KB_64 }"));
    let (photos, files) = (waf_patterns(&waf, "PhotoRoutes"), waf_patterns(&waf, "ListFileRoutes"));
    let matches = |set: &[regex_lite::Regex], path: &str| set.iter().any(|r| r.is_match(&concrete(path)));
    let routes: Vec<(&str, &str)> =
        all_routes().map(|r| (r.method, r.path)).chain(zairyu_http::web::pages().map(|p| (p.method, p.path))).collect();
    for (method, path, limit) in limits::UPLOADS {
        assert!(routes.contains(&(*method, *path)), "{method} {path} is no route");
        let (mine, other) = if *limit == limits::PHOTO { (&photos, &files) } else { (&files, &photos) };
        assert!(matches(mine, path) && !matches(other, path), "{method} {path}");
    }
    for (method, path) in &routes {
        let upload = limits::UPLOADS.iter().any(|(m, p, _)| m == method && p == path);
        let same_path_upload = limits::UPLOADS.iter().any(|(_, p, _)| p == path);
        if !same_path_upload {
            assert!(!matches(&photos, path) && !matches(&files, path), "{method} {path} would pass as an upload");
        }
        if !upload {
            assert_eq!(limits::body(method, path), limits::DEFAULT, "{method} {path}");
        }
    }
    let size = |rule: &str| -> usize {
        waf_rule(&waf, rule).lines().find_map(|l| l.trim().strip_prefix("Size: ")).unwrap().parse().unwrap()
    };
    assert_eq!(size("photo-size"), limits::PHOTO);
    assert_eq!(size("body-size"), limits::DEFAULT);
    assert!(
        waf_rule(&waf, "photo-size").contains("PhotoRoutes.Arn")
            && waf_rule(&waf, "photo-size").contains("OversizeHandling: MATCH")
    );
    let body_size = waf_rule(&waf, "body-size");
    assert!(
        body_size.contains("NotStatement")
            && body_size.contains("ListFileRoutes.Arn")
            && body_size.contains("OversizeHandling: MATCH")
    );
    // The list file's limit, read from Content-Length: every length up to the limit passes, none above.
    let length = waf_rule(&waf, "list-file-size");
    let regex = length.lines().find_map(|l| l.trim().strip_prefix("RegexString: ")).unwrap().trim_matches('"');
    let accepted = regex_lite::Regex::new(regex).unwrap();
    for n in [
        0,
        1,
        9,
        65_536,
        999_999,
        1_000_000,
        1_049_999,
        limits::LIST_FILE - 101,
        limits::LIST_FILE - 1,
        limits::LIST_FILE,
    ] {
        assert!(accepted.is_match(&n.to_string()), "{n} refused");
    }
    for n in [
        limits::LIST_FILE + 1,
        limits::LIST_FILE + 10,
        1_052_680,
        1_053_000,
        1_060_000,
        1_100_000,
        2_000_000,
        10_000_000,
        99_999_999,
    ] {
        assert!(!accepted.is_match(&n.to_string()), "{n} passes");
    }
    assert!(!accepted.is_match("") && !accepted.is_match("1e6") && !accepted.is_match("-1"));
}

/// #30 item 3: the rate rules cover log-in and every password and account route of the pages and the API, and
/// shared egress addresses (offices, large organizations) get a limit of their own instead of the per-address
/// one; the WAF's log keeps no query string and no path (the one log outside Japan).
#[test]
fn the_edge_s_rate_limits_cover_the_pages_and_shared_offices_and_its_log_keeps_no_url() {
    let waf = std::fs::read_to_string(root().join("infra/edge-waf.yaml")).unwrap();
    let scoped = |rule: &str| -> Vec<(String, bool)> {
        let block = waf_rule(&waf, rule);
        let mut out = Vec::new();
        let mut search = None;
        for l in block.lines().map(str::trim) {
            if let Some(s) = l.strip_prefix("SearchString: ") {
                search = Some(s.to_owned());
            }
            if let (Some(s), Some(p)) = (&search, l.strip_prefix("PositionalConstraint: ")) {
                if s.starts_with('/') {
                    out.push((s.clone(), p == "STARTS_WITH"));
                }
                search = None;
            }
        }
        assert!(block.contains("Type: URL_DECODE") && block.contains("Type: LOWERCASE"), "{rule}");
        out
    };
    let covered = |rule: &str, path: &str| {
        scoped(rule).iter().any(|(s, prefix)| if *prefix { path.starts_with(s.as_str()) } else { path == s })
    };
    let posts: Vec<&str> = all_routes()
        .filter(|r| r.method == "POST")
        .map(|r| r.path)
        .chain(zairyu_http::web::pages().filter(|p| p.method == "POST").map(|p| p.path))
        .collect();
    for path in ["/login", "/api/login"] {
        assert!(posts.contains(&path), "{path}");
        assert!(covered("log-in-rate", path), "{path}");
    }
    let account = |p: &str| {
        p.starts_with("/password")
            || p.starts_with("/api/password-reset")
            || p.starts_with("/account/")
            || p.starts_with("/api/me/")
    };
    let account_posts: Vec<&&str> = posts.iter().filter(|p| account(p)).collect();
    assert!(account_posts.len() >= 7, "{account_posts:?}");
    for path in account_posts {
        assert!(covered("password-reset-rate", path), "{path} has no rate rule of its own");
    }
    for rule in ["log-in-rate", "password-reset-rate", "client-rate"] {
        assert!(
            waf_rule(&waf, rule).contains("NotStatement") && waf_rule(&waf, rule).contains("TrustedEgress.Arn"),
            "{rule}"
        );
    }
    let trusted = waf_rule(&waf, "trusted-egress-rate");
    assert!(
        trusted.contains("Limit: !Ref TrustedClientLimit")
            && trusted.contains("IPSetReferenceStatement: { Arn: !GetAtt TrustedEgress.Arn }")
    );
    let logging = waf.split("EdgeAclLogging:").nth(1).unwrap();
    for field in ["QueryString: {}", "UriPath: {}", "Name: cookie", "Name: authorization"] {
        assert!(logging.contains(field), "the WAF log keeps {field}");
    }
    assert!(waf.contains("KmsKeyId: !GetAtt EdgeLogKey.Arn"));
    // CloudFront's own logs (v2, from us-east-1, into the bucket in Japan) choose fields without the URL.
    let logs = std::fs::read_to_string(root().join("infra/edge-logs.yaml")).unwrap();
    let fields: Vec<&str> = logs
        .split("RecordFields:")
        .nth(1)
        .unwrap()
        .lines()
        .skip(1)
        .map_while(|l| l.trim().strip_prefix("- "))
        .collect();
    assert!(fields.len() > 10 && fields.contains(&"c-ip") && fields.contains(&"sc-status"));
    for field in ["cs-uri-query", "cs-uri-stem", "cs(Cookie)", "cs(Referer)"] {
        assert!(!fields.contains(&field), "{field} is logged");
    }
}

/// #34 item 3: the retention periods the stack takes are the ones the code accepts and defaults to (one
/// decision: the domain's `retention`), and every function gets them.
#[test]
fn the_stack_s_retention_periods_are_the_code_s() {
    use zairyu_domain::retention::{RecordClass, RetentionDays};
    let t = template();
    let parameter = |name: &str, key: &str| -> u32 {
        let block = t.split(&format!("\n  {name}:\n")).nth(1).unwrap_or_else(|| panic!("no parameter {name}"));
        let line = block.lines().find(|l| l.trim().starts_with(&format!("{key}:"))).unwrap();
        line.split(':').nth(1).unwrap().trim().parse().unwrap()
    };
    for class in RecordClass::ALL {
        let name = class.parameter();
        assert_eq!(parameter(name, "Default"), class.default_days(), "{name}");
        assert_eq!(parameter(name, "MinValue"), class.min_days(), "{name}");
        assert_eq!(parameter(name, "MaxValue"), RetentionDays::MAX, "{name}");
        assert!(t.contains(&format!("{}: !Ref {name}", class.variable())), "{name} reaches the functions");
    }
}

/// #34 item 5: no role reaches a partition its code never uses. Every test that runs a function's code writes
/// what its role was seen to read, write and query (`tests/support.rs`, `Reaching`, with `ZAIRYU_REACH_SEEN`
/// naming the file); after the whole suite, `scripts/test.sh` runs this over that file: each prefix of each
/// role's reach was used by some test (a prefix nothing uses is a grant to drop, or a test still to write).
#[test]
#[ignore = "run by scripts/test.sh after the whole suite, over what it saw"]
fn every_partition_a_role_reaches_is_used_by_its_code() {
    let path = std::env::var("ZAIRYU_REACH_SEEN").expect("ZAIRYU_REACH_SEEN names the file the suite wrote");
    let seen: BTreeSet<String> = std::fs::read_to_string(path).unwrap().lines().map(str::to_owned).collect();
    let mut unused = Vec::new();
    for role in Role::ALL {
        let reach = role.reach();
        for (kind, prefixes) in [("read", reach.reads), ("write", reach.writes), ("index", reach.index_reads)] {
            for prefix in prefixes {
                let line = format!("{role:?} {kind} {prefix}");
                if !seen.contains(&line) {
                    unused.push(line);
                }
            }
        }
    }
    assert!(unused.is_empty(), "reached, and used by no test: {unused:#?}");
}
