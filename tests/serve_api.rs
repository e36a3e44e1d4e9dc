//! `jixiao serve`'s JSON API over a real socket: every endpoint, the examples of docs/api.md,
//! bad input (4xx with located messages, never a 500), the limits, and saving under `--data`
//! (no request reaches outside the directory). Servers bind 127.0.0.1 on a free port.
#![cfg(feature = "serve")]
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
#[path = "common/http.rs"]
mod http;

use http::{encode, get, multipart, post, request};
use jixiao::Session;
use jixiao::serve::{Config, Server};
use serde_json::Value;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

const TOML: &str = "application/toml";

fn reference(name: &str) -> Vec<u8> {
    std::fs::read(common::root().join("evaluations/xuchang-2023").join(name)).unwrap()
}

fn server(config: Config) -> Server {
    let config = Config {
        listen: SocketAddr::from(([127, 0, 0, 1], 0)),
        ..config
    };
    Server::start(Session::builtin().unwrap(), config).expect("start the server")
}

fn default_server() -> Server {
    server(Config::default())
}

/// A diagnostic as the API gives it: located, with the text the command line prints.
fn assert_located(diagnostic: &Value, file: &str) {
    assert_eq!(diagnostic["file"], file, "{diagnostic:#}");
    assert!(diagnostic["line"].as_u64().is_some(), "{diagnostic:#}");
    assert!(diagnostic["column"].as_u64().is_some(), "{diagnostic:#}");
    let rendered = diagnostic["rendered"].as_str().unwrap();
    assert!(
        rendered.contains(&format!("--> {file}:")),
        "rendered as the CLI prints it: {rendered}"
    );
}

#[test]
fn score_gives_the_sheet_with_traces_findings_and_the_model() {
    let s = default_server();
    let r = post(
        s.addr(),
        "/api/score",
        "text/plain",
        &reference("00-department.toml"),
    );
    assert_eq!(r.status, 200, "{}", r.text());
    assert!(
        r.header("content-type")
            .unwrap()
            .starts_with("application/json")
    );
    let sheet = r.json();
    assert_eq!(sheet["total"], "98.22");
    assert_eq!(sheet["grade"], "优");
    assert_eq!(sheet["execution"]["score"], "8.22");
    assert!(
        sheet["execution"]["trace"]["formula"]
            .as_str()
            .unwrap()
            .contains("rate")
    );
    assert_eq!(sheet["mismatches"], Value::Array(vec![]));
    assert!(sheet["findings"].as_array().is_some());
    assert!(sheet.get("model").is_none(), "the model only when asked");

    // The same form as the command line scores it: the same sheet.
    let out = common::jixiao(&[
        "score",
        "--format",
        "json",
        "evaluations/xuchang-2023/00-department.toml",
    ]);
    let cli: Value = serde_json::from_slice(&out.stdout).unwrap();
    let mut served = sheet.clone();
    // The API's response carries its schema version; the CLI's document carries it once, at the top.
    assert_eq!(served["schema_version"], cli["schema_version"]);
    for key in ["findings", "diagnostics", "schema_version"] {
        served.as_object_mut().unwrap().remove(key);
    }
    let mut from_cli = cli["forms"][0].clone();
    // The API names the text as the request does ("form.toml"); the CLI by its path.
    for v in [&mut served, &mut from_cli] {
        v.as_object_mut().unwrap().remove("file");
    }
    assert_eq!(served, from_cli);

    // JSON in, with a name; the model as the page edits it.
    let text = String::from_utf8(reference("01-citizen-center-operations.toml")).unwrap();
    let body = serde_json::json!({"toml": text, "name": "citizen.toml"}).to_string();
    let r = post(
        s.addr(),
        "/api/score?model=1",
        "application/json",
        body.as_bytes(),
    );
    assert_eq!(r.status, 200, "{}", r.text());
    let sheet = r.json();
    assert_eq!(sheet["total"], "94.52");
    assert_eq!(sheet["file"], "citizen.toml");
    assert_eq!(sheet["model"]["budget"]["executed"], "92.61");
    assert_eq!(sheet["model"]["year"], "2023");
    assert_eq!(sheet["model"]["indicators"][4]["level2"], "社会成本指标");
    let findings = sheet["findings"].as_array().unwrap();
    assert!(
        findings
            .iter()
            .any(|f| f["code"] == "cost-exceeds-spend" && f["line"].as_u64().is_some()),
        "{findings:#?}"
    );
}

#[test]
fn bad_input_gets_a_4xx_with_the_located_messages_of_the_cli_never_a_500() {
    let s = default_server();
    let a = s.addr();
    // A target the grammar cannot read: the form still scores (200), and the cell is a finding
    // at its line and column, as the CLI says it.
    let text = String::from_utf8(reference("01-citizen-center-operations.toml"))
        .unwrap()
        .replacen("target = \"≤10万元\"", "target = \"≤abc\"", 1);
    let r = post(a, "/api/score?name=bad.toml&model=1", TOML, text.as_bytes());
    assert_eq!(r.status, 200, "{}", r.text());
    let body = r.json();
    let d = &body["structure"][0];
    assert_eq!(d["file"], "bad.toml", "{d:#}");
    assert_eq!(d["line"], 78);
    assert_eq!(d["column"], 12);
    assert_eq!(d["code"], "form::unreadable-target");
    assert!(
        body["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["code"] == "odd-cell" && f["line"] == 78),
        "the review names the cell"
    );
    assert_eq!(body["model"]["indicators"][0]["target"], "≤abc");

    // Broken TOML: 422, located.
    let r = post(
        a,
        "/api/score?name=x.toml",
        TOML,
        b"kind = \"\xe9\xa1\xb9\xe7\x9b\xae\"\nyear = \n",
    );
    assert_eq!(r.status, 422, "{}", r.text());
    assert_located(&r.json()["diagnostics"][0], "x.toml");
    // GBK bytes: the encoding message.
    let r = post(
        a,
        "/api/score?name=gbk.toml",
        TOML,
        b"kind = \"\xcf\xee\xc4\xbf\"\n",
    );
    assert_eq!(r.status, 422);
    assert_eq!(r.json()["diagnostics"][0]["code"], "input::encoding");
    // A rule file, a damaged .xls, a Word 97 .doc, a workbook that is not one.
    for (name, body, code) in [
        ("draft.rules", &b"ruleset x"[..], "input::rule-file"),
        (
            "old.xls",
            &b"\xd0\xcf\x11\xe0rest"[..],
            if cfg!(feature = "xlsx") {
                "xlsx::unreadable"
            } else {
                "input::format"
            },
        ),
        ("old.doc", &b"\xd0\xcf\x11\xe0rest"[..], "input::format"),
        (
            "fake.xlsx",
            &b"PK\x03\x04garbage"[..],
            if cfg!(feature = "xlsx") {
                "xlsx::corrupt"
            } else {
                "input::format"
            },
        ),
    ] {
        let r = post(
            a,
            &format!("/api/score?name={name}"),
            "application/octet-stream",
            body,
        );
        assert_eq!(r.status, 422, "{name}: {}", r.text());
        assert_eq!(r.json()["diagnostics"][0]["code"], code, "{name}");
    }
    // The request itself: 400.
    for (path, content_type, body) in [
        ("/api/score", TOML, &b""[..]),
        ("/api/score", "application/json", &b"{\"toml\": 3}"[..]),
        ("/api/score", "application/json", &b"{}"[..]),
        ("/api/review?only=no-such-check", TOML, &b"x = 1"[..]),
        ("/api/export?format=pdf", TOML, &b"x = 1"[..]),
        ("/api/template?kind=%E8%A1%A8", TOML, &b""[..]),
        (
            "/api/score",
            "multipart/form-data; boundary=zz",
            &b"--zz\r\nbroken"[..],
        ),
    ] {
        let method = if path.starts_with("/api/template") {
            "GET"
        } else {
            "POST"
        };
        let r = request(a, method, path, &[("Content-Type", content_type)], body);
        assert_eq!(r.status, 400, "{path} {:?}: {}", body, r.text());
        assert!(r.json()["error"].as_str().is_some());
    }
    // Two forms where one is expected.
    let (ct, body) = multipart(&[
        ("a.toml", &reference("00-department.toml")),
        ("b.toml", &reference("03-e-seal-service.toml")),
    ]);
    let r = post(a, "/api/score", &ct, &body);
    assert_eq!(r.status, 400, "{}", r.text());
    // Unknown endpoints and methods.
    assert_eq!(get(a, "/api/nothing").status, 404);
    assert_eq!(get(a, "/api/examples/nothing").status, 404);
    assert_eq!(get(a, "/api/score").status, 405);
}

/// A bureau uploads its folder of submissions as one .zip: each form in it is reviewed; the
/// archive's folders, hidden files and macOS resource forks are passed over; an archive that
/// unpacks past the body limit is refused with 413.
#[test]
fn a_zip_of_submissions_is_reviewed_form_by_form() {
    use std::io::Write;
    let zip_of = |entries: &[(&str, &[u8])]| {
        let mut buffer = std::io::Cursor::new(Vec::new());
        let mut writer = zip::ZipWriter::new(&mut buffer);
        let options = zip::write::SimpleFileOptions::default();
        for (name, bytes) in entries {
            writer.start_file(*name, options).unwrap();
            writer.write_all(bytes).unwrap();
        }
        writer.finish().unwrap();
        buffer.into_inner()
    };
    let seal = reference("03-e-seal-service.toml");
    let citizen = reference("01-citizen-center-operations.toml");
    let archive = zip_of(&[
        ("inbox/a.toml", &seal),
        ("inbox/b.toml", &citizen),
        ("__MACOSX/inbox/._a.toml", b"\x00\x05"),
        ("inbox/.DS_Store", b"junk"),
    ]);
    let s = default_server();
    let (ct, body) = multipart(&[("inbox.zip", &archive)]);
    let r = post(s.addr(), "/api/review", &ct, &body);
    assert_eq!(r.status, 200, "{}", r.text());
    let out = r.json();
    assert_eq!(out["summary"]["reviewed"], 2, "{out}");
    assert_eq!(out["summary"]["errors"], 0);

    let small = server(Config {
        max_body: 64 * 1024,
        ..Config::default()
    });
    let big = vec![b' '; 200 * 1024];
    let archive = zip_of(&[("inbox/padded.toml", &big)]);
    let (ct, body) = multipart(&[("inbox.zip", &archive)]);
    assert_eq!(post(small.addr(), "/api/review", &ct, &body).status, 413);
    let (ct, body) = multipart(&[("inbox.zip", b"not a zip")]);
    assert_eq!(post(s.addr(), "/api/review", &ct, &body).status, 400);
}

#[test]
fn review_takes_one_form_or_many_and_gives_a_summary_and_csv() {
    let s = default_server();
    let names = [
        "00-department.toml",
        "01-citizen-center-operations.toml",
        "02-digital-government-fund.toml",
        "03-e-seal-service.toml",
    ];
    let files: Vec<(&str, Vec<u8>)> = names.iter().map(|n| (*n, reference(n))).collect();
    let parts: Vec<(&str, &[u8])> = files.iter().map(|(n, b)| (*n, b.as_slice())).collect();
    let (ct, body) = multipart(&parts);
    let r = post(s.addr(), "/api/review", &ct, &body);
    assert_eq!(r.status, 200, "{}", r.text());
    let out = r.json();
    assert_eq!(out["summary"]["reviewed"], 4);
    assert_eq!(out["summary"]["files"], 4);
    assert_eq!(out["summary"]["errors"], 0);
    // The reference forms' warnings, form by form (the command line's batch-wide check,
    // unit-full-marks, adds one more across the four).
    assert_eq!(out["summary"]["warnings"], 23);
    assert_eq!(out["forms"][1]["recomputed"]["total"], "94.52");
    assert_eq!(out["forms"][1]["claimed"]["grade"], "优");

    let r = post(s.addr(), "/api/review?format=csv&bom=1", &ct, &body);
    assert_eq!(r.status, 200);
    assert!(r.header("content-type").unwrap().starts_with("text/csv"));
    let csv = r.text();
    assert!(
        csv.starts_with("\u{feff}file,line,form,department,unit,severity,code"),
        "{csv}"
    );
    assert_eq!(csv.lines().count(), 1 + 23);

    // One form as the body; a batch with a bad file reports it and reviews the rest.
    let r = post(
        s.addr(),
        "/api/review",
        TOML,
        &reference("03-e-seal-service.toml"),
    );
    assert_eq!(r.status, 200);
    assert_eq!(r.json()["forms"][0]["recomputed"]["total"], "100.00");
    let (ct, body) = multipart(&[
        ("good.toml", &reference("03-e-seal-service.toml")),
        ("bad.toml", b"kind = 1"),
    ]);
    let out = post(s.addr(), "/api/review", &ct, &body).json();
    assert_eq!(out["summary"]["reviewed"], 1);
    assert_eq!(out["summary"]["input_errors"], 1);
    assert_located(&out["errors"][0], "bad.toml");
}

#[cfg(feature = "xlsx")]
#[test]
fn export_writes_the_workbook_and_report_and_import_reads_the_workbook_back() {
    let s = default_server();
    let a = s.addr();
    let department = reference("00-department.toml");
    let r = post(
        a,
        "/api/export?format=xlsx&name=dept.toml",
        TOML,
        &department,
    );
    assert_eq!(r.status, 200, "{}", r.text());
    assert!(r.body.starts_with(b"PK\x03\x04"));
    assert!(
        r.header("content-disposition")
            .unwrap()
            .contains("dept.xlsx")
    );
    let workbook = r.body;

    let r = post(
        a,
        "/api/import?name=dept.xlsx",
        "application/octet-stream",
        &workbook,
    );
    assert_eq!(r.status, 200, "{}", r.text());
    let out = r.json();
    assert_eq!(out["forms"].as_array().unwrap().len(), 1);
    assert_eq!(out["forms"][0]["kind"], "部门整体");
    assert_eq!(out["forms"][0]["errors"], Value::Array(vec![]));
    let toml = out["forms"][0]["toml"].as_str().unwrap();
    let r = post(a, "/api/score", TOML, toml.as_bytes());
    assert_eq!(r.json()["total"], "98.22", "the round trip keeps the total");
    // A workbook scores directly too, and a multipart upload imports.
    let r = post(
        a,
        "/api/score?name=dept.xlsx",
        "application/octet-stream",
        &workbook,
    );
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.json()["total"], "98.22");
    let (ct, body) = multipart(&[("dept.xlsx", &workbook)]);
    assert_eq!(post(a, "/api/import", &ct, &body).status, 200);
    // Not a workbook: 422 with the reader's message.
    let r = post(
        a,
        "/api/import?name=x.xlsx",
        "application/octet-stream",
        b"not a zip",
    );
    assert_eq!(r.status, 422);
    assert_eq!(r.json()["diagnostics"][0]["code"], "xlsx::not-a-workbook");
    // A ruleset given as a path is refused before anything is read.
    let r = post(
        a,
        "/api/import?ruleset=..%2Fx.rules",
        "application/octet-stream",
        &workbook,
    );
    assert_eq!(r.status, 400);

    let r = post(a, "/api/export?format=html", TOML, &department);
    assert_eq!(r.status, 200);
    assert!(r.header("content-type").unwrap().starts_with("text/html"));
    let html = r.text();
    assert!(html.starts_with("<!DOCTYPE html>") && html.contains("98.22"));
    let r = post(a, "/api/export?format=toml&name=d.toml", TOML, &department);
    assert_eq!(r.status, 200);
    assert_eq!(r.body, department);
    // A form that does not load is not exported.
    let r = post(a, "/api/export?format=xlsx", TOML, b"kind = 1");
    assert_eq!(r.status, 422);
}

#[test]
fn rulesets_templates_and_examples() {
    let s = default_server();
    let a = s.addr();
    let rulesets = get(a, "/api/rulesets").json();
    let henan = rulesets
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == "henan-2023")
        .unwrap();
    assert_eq!(henan["kinds"], serde_json::json!(["项目", "部门整体"]));

    for kind in ["项目", "部门整体"] {
        let r = get(
            a,
            &format!("/api/template?ruleset=henan-2023&kind={}", encode(kind)),
        );
        assert_eq!(r.status, 200, "{}", r.text());
        let text = r.text();
        assert!(text.contains(&format!("kind = \"{kind}\"")), "{text}");
        // As `jixiao init` writes it.
        let out = common::jixiao(&["init", "--kind", kind, "--rules", "henan-2023"]);
        assert_eq!(common::stdout(&out), text);
    }
    // The ruleset is an id, never a path: nothing is read from the disk.
    for ruleset in [
        "..%2F..%2Fscoring-rules%2Fhenan-2023.rules",
        "%2Fetc%2Fpasswd",
        "nope",
    ] {
        let r = get(
            a,
            &format!("/api/template?ruleset={ruleset}&kind={}", encode("项目")),
        );
        assert_eq!(r.status, 404, "{ruleset}: {}", r.text());
    }
    let r = get(
        a,
        &format!(
            "/api/template?ruleset=no-such-rules&kind={}",
            encode("部门整体")
        ),
    );
    assert_eq!(r.status, 404, "an unknown ruleset");

    let examples = get(a, "/api/examples").json();
    let examples = examples.as_array().unwrap();
    assert_eq!(examples.len(), 4);
    let totals = ["98.22", "94.52", "90.00", "100.00"];
    for (e, total) in examples.iter().zip(totals) {
        let id = e["id"].as_str().unwrap();
        let text = get(a, &format!("/api/examples/{id}")).body;
        assert_eq!(text, reference(&format!("{id}.toml")));
        assert_eq!(post(a, "/api/score", TOML, &text).json()["total"], total);
    }
}

#[test]
fn the_page_and_its_assets_are_served_from_the_binary() {
    let s = default_server();
    let page = get(s.addr(), "/");
    assert_eq!(page.status, 200);
    assert!(
        page.header("content-type")
            .unwrap()
            .starts_with("text/html")
    );
    assert!(page.text().contains("<script src=\"/app.js\"></script>"));
    for (path, kind) in [
        ("/app.js", "text/javascript"),
        ("/app.css", "text/css"),
        ("/report.css", "text/css"),
    ] {
        let r = get(s.addr(), path);
        assert_eq!(r.status, 200, "{path}");
        assert!(
            r.header("content-type").unwrap().starts_with(kind),
            "{path}"
        );
        // Nothing is fetched from elsewhere: the page works with no internet.
        assert!(
            !r.text().contains("http://") && !r.text().contains("https://"),
            "{path}"
        );
    }
    assert!(page.header("content-security-policy").is_some());
}

#[test]
fn limits_on_the_body_the_forms_and_the_time_are_4xx_and_5xx_not_crashes() {
    let small = server(Config {
        max_body: 4096,
        max_forms: 2,
        ..Config::default()
    });
    let a = small.addr();
    let big = reference("00-department.toml");
    assert!(big.len() > 4096);
    // A declared length over the limit.
    let r = post(a, "/api/score", TOML, &big);
    assert_eq!(r.status, 413, "{}", r.text());
    assert!(r.json()["error"].as_str().unwrap().contains("4096"));
    // JSON and multipart bodies over the limit.
    let json = serde_json::json!({"toml": String::from_utf8(big.clone()).unwrap()}).to_string();
    assert_eq!(
        post(a, "/api/score", "application/json", json.as_bytes()).status,
        413
    );
    let (ct, body) = multipart(&[("a.toml", &big)]);
    assert_eq!(post(a, "/api/review", &ct, &body).status, 413);
    // A body with no declared length (chunked) is cut at the limit too.
    let mut stream = std::net::TcpStream::connect(a).unwrap();
    stream.set_read_timeout(Some(http::TIMEOUT)).unwrap();
    use std::io::Write;
    let head = format!(
        "POST /api/score HTTP/1.1\r\nHost: {a}\r\nConnection: close\r\nContent-Type: application/toml\r\nTransfer-Encoding: chunked\r\n\r\n"
    );
    stream.write_all(head.as_bytes()).unwrap();
    for _ in 0..3 {
        let _ = stream.write_all(format!("{:x}\r\n", 2000).as_bytes());
        let _ = stream.write_all(&[b'#'; 2000]);
        let _ = stream.write_all(b"\r\n");
    }
    let _ = stream.write_all(b"0\r\n\r\n");
    let r = http::read_response(&mut stream);
    assert_eq!(r.status, 413, "{}", r.text());
    // More forms than allowed.
    let seal = reference("03-e-seal-service.toml");
    let forms: Vec<Value> = (0..3)
        .map(|_| serde_json::json!({"toml": "kind = 1"}))
        .collect();
    let body = serde_json::json!({ "forms": forms }).to_string();
    let r = post(a, "/api/review", "application/json", body.as_bytes());
    assert_eq!(r.status, 413, "{}", r.text());
    assert!(
        r.json()["error"]
            .as_str()
            .unwrap()
            .contains("more than 2 forms")
    );
    let (ct, body) = multipart(&[("a.toml", &seal), ("b.toml", &seal), ("c.toml", &seal)]);
    assert_eq!(post(a, "/api/review", &ct, &body).status, 413);
    // Still serving after all that.
    assert_eq!(post(a, "/api/score", TOML, &seal).json()["total"], "100.00");

    // A request that takes longer than the limit: 503 with a message.
    // (A batch of 60 forms takes tens of milliseconds even in a release build: far past 1 µs,
    // whichever comes first of the timer's tick and the work.)
    let hasty = server(Config {
        timeout: Duration::from_micros(1),
        ..Config::default()
    });
    let many: Vec<(String, &[u8])> = (0..60)
        .map(|i| (format!("f{i}.toml"), seal.as_slice()))
        .collect();
    let parts: Vec<(&str, &[u8])> = many.iter().map(|(n, b)| (n.as_str(), *b)).collect();
    let (ct, body) = multipart(&parts);
    let r = post(hasty.addr(), "/api/review", &ct, &body);
    assert_eq!(r.status, 503, "{}", r.text());
    assert!(r.json()["error"].as_str().unwrap().contains("longer than"));
}

#[test]
fn cross_site_requests_are_refused() {
    let s = default_server();
    let seal = reference("03-e-seal-service.toml");
    let r = request(
        s.addr(),
        "POST",
        "/api/score",
        &[("Content-Type", TOML), ("Origin", "http://evil.example")],
        &seal,
    );
    assert_eq!(r.status, 403);
    let own = format!("http://{}", s.addr());
    let r = request(
        s.addr(),
        "POST",
        "/api/score",
        &[("Content-Type", TOML), ("Origin", own.as_str())],
        &seal,
    );
    assert_eq!(r.status, 200);
}

fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(files_under(&path));
        } else {
            out.push(path);
        }
    }
    out.sort();
    out
}

#[test]
fn saving_stays_inside_the_data_directory_and_never_overwrites_unasked() {
    let root = common::scratch("serve-data");
    let data = root.join("data");
    let outside = root.join("outside.toml");
    std::fs::write(&outside, "secret = 1\n").unwrap();
    let s = server(Config {
        data: Some(data.clone()),
        ..Config::default()
    });
    let a = s.addr();
    let seal = reference("03-e-seal-service.toml");
    let list = get(a, "/api/saved").json();
    assert_eq!(list["enabled"], true);
    assert_eq!(list["files"], Value::Array(vec![]));

    let name = encode("电子印章.toml");
    let r = post(a, &format!("/api/saved/{name}"), TOML, &seal);
    assert_eq!(r.status, 201, "{}", r.text());
    assert_eq!(r.json()["saved"], "电子印章.toml");
    assert_eq!(std::fs::read(data.join("电子印章.toml")).unwrap(), seal);
    // Again: 409, the file kept.
    let r = post(a, &format!("/api/saved/{name}"), TOML, b"year = 2023\n");
    assert_eq!(r.status, 409, "{}", r.text());
    assert_eq!(r.json()["diagnostics"][0]["code"], "output::exists");
    assert!(
        !r.text().contains(&*data.to_string_lossy()),
        "no server path in messages"
    );
    assert_eq!(std::fs::read(data.join("电子印章.toml")).unwrap(), seal);
    // Asked: replaced.
    let r = post(
        a,
        &format!("/api/saved/{name}?overwrite=true"),
        TOML,
        b"year = 2023\n",
    );
    assert_eq!(r.status, 201);
    assert_eq!(
        get(a, &format!("/api/saved/{name}")).text(),
        "year = 2023\n"
    );
    let list = get(a, "/api/saved").json();
    assert_eq!(list["files"][0]["name"], "电子印章.toml");
    // Not TOML: refused, located.
    let r = post(a, "/api/saved/broken.toml", TOML, b"year = = 1");
    assert_eq!(r.status, 422);
    assert_located(&r.json()["diagnostics"][0], "broken.toml");

    // Every way out of the directory is refused, and nothing is written or read outside.
    for bad in [
        "..%2Foutside.toml",
        "%2E%2E%2Foutside.toml",
        "..%5Coutside.toml",
        "%2Fetc%2Fpasswd",
        "sub%2Fa.toml",
        ".hidden.toml",
        "..",
        "a.txt",
        "%00.toml",
        "con%3A.toml",
    ] {
        let r = post(a, &format!("/api/saved/{bad}?overwrite=true"), TOML, &seal);
        assert!(
            r.status == 400 || r.status == 404,
            "{bad}: {} {}",
            r.status,
            r.text()
        );
        let r = get(a, &format!("/api/saved/{bad}"));
        assert!(r.status == 400 || r.status == 404, "{bad}: {}", r.status);
        assert!(!r.text().contains("secret"));
    }
    assert_eq!(get(a, "/api/saved/..%2Foutside.toml").status, 400);
    assert_eq!(std::fs::read_to_string(&outside).unwrap(), "secret = 1\n");
    // A link placed in the directory is not followed.
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(&outside, data.join("link.toml")).unwrap();
        let r = get(a, "/api/saved/link.toml");
        assert_eq!(r.status, 404, "{}", r.text());
        // Saving over the link is refused (a link is never replaced) or lands beside it; the
        // file outside is never written.
        let r = post(a, "/api/saved/link.toml?overwrite=true", TOML, &seal);
        assert!(matches!(r.status, 201 | 409 | 422), "{}", r.status);
        assert_eq!(std::fs::read_to_string(&outside).unwrap(), "secret = 1\n");
    }
    let mut expected = vec![data.join("link.toml"), data.join("电子印章.toml")];
    if cfg!(not(unix)) {
        expected.remove(0);
    }
    expected.insert(0, outside.clone());
    expected.sort();
    assert_eq!(files_under(&root), expected, "no other file was written");

    // Without --data nothing is stored.
    let plain = default_server();
    assert_eq!(get(plain.addr(), "/api/saved").json()["enabled"], false);
    assert_eq!(
        post(plain.addr(), "/api/saved/a.toml", TOML, &seal).status,
        404
    );
}

// ---------------------------------------------------------------- docs/api.md

/// The examples of docs/api.md (they import a workbook, so they need the `xlsx` feature).
#[cfg(feature = "xlsx")]
mod docs {
    use super::*;

    /// Split a shell command line as the examples write it: words, 'single' and "double" quotes,
    /// backslash line continuations.
    fn shell_words(command: &str) -> Vec<String> {
        let command = command.replace("\\\n", " ");
        let mut words = Vec::new();
        let mut word = String::new();
        let mut in_word = false;
        let mut chars = command.chars();
        while let Some(c) = chars.next() {
            match c {
                '\'' => {
                    in_word = true;
                    for q in chars.by_ref() {
                        if q == '\'' {
                            break;
                        }
                        word.push(q);
                    }
                }
                '"' => {
                    in_word = true;
                    for q in chars.by_ref() {
                        if q == '"' {
                            break;
                        }
                        word.push(q);
                    }
                }
                c if c.is_whitespace() => {
                    if in_word {
                        words.push(std::mem::take(&mut word));
                        in_word = false;
                    }
                }
                c => {
                    in_word = true;
                    word.push(c);
                }
            }
        }
        if in_word {
            words.push(word);
        }
        words
    }

    enum Body {
        Bytes(Vec<u8>),
        File(String),
        Parts(Vec<String>),
    }

    /// A file an earlier example wrote (`-o`), else one of the repository.
    fn example_file(scratch: &Path, name: &str) -> Vec<u8> {
        let written = scratch.join(name);
        let path = if written.exists() {
            written
        } else {
            common::root().join(name)
        };
        std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
    }

    struct Example {
        line: usize,
        method: String,
        path: String,
        headers: Vec<(String, String)>,
        /// The body: inline text, `@FILE`, or `-F file=@FILE` parts (files read when the example
        /// runs, so that one can send what an earlier one wrote with `-o`).
        body: Body,
        /// `-o FILE`: where the response is kept (in the scratch directory), for a later example.
        output: Option<PathBuf>,
        status: u16,
        language: String,
        expected: String,
    }

    /// The curl commands of docs/api.md, each followed by the response it gives (a fenced block
    /// whose info string is the language and the status: ```` ```json 200 ````).
    fn examples(doc: &str) -> Vec<Example> {
        let mut out = Vec::new();
        let blocks = fenced_blocks(doc);
        for pair in blocks.windows(2) {
            let (line, info, command) = &pair[0];
            let (_, response_info, expected) = &pair[1];
            if info != "sh" || !command.trim_start().starts_with("curl ") {
                continue;
            }
            let mut parts = response_info.split_whitespace();
            let language = parts.next().unwrap_or("").to_string();
            let status: u16 = parts
                .next()
                .and_then(|s| s.parse().ok())
                .unwrap_or_else(|| {
                    panic!("docs/api.md:{line}: the response block says its status")
                });
            let words = shell_words(command);
            let mut method = "GET".to_string();
            let mut headers = Vec::new();
            let mut body = Body::Bytes(Vec::new());
            let mut files: Vec<String> = Vec::new();
            let mut url = None;
            let mut output = None;
            let mut i = 1;
            while i < words.len() {
                let w = &words[i];
                let next = words.get(i + 1).cloned().unwrap_or_default();
                match w.as_str() {
                    "-s" | "-S" | "-sS" => {}
                    "-X" => {
                        method = next;
                        i += 1;
                    }
                    "-H" => {
                        let (k, v) = next.split_once(':').unwrap();
                        headers.push((k.trim().to_string(), v.trim().to_string()));
                        i += 1;
                    }
                    "--data-binary" => {
                        body = match next.strip_prefix('@') {
                            Some(name) => Body::File(name.to_string()),
                            None => Body::Bytes(next.into_bytes()),
                        };
                        if method == "GET" {
                            method = "POST".into();
                        }
                        i += 1;
                    }
                    "-F" => {
                        let (_, path) = next.split_once("=@").unwrap();
                        files.push(path.to_string());
                        if method == "GET" {
                            method = "POST".into();
                        }
                        i += 1;
                    }
                    "-o" => {
                        output = Some(PathBuf::from(&next));
                        i += 1;
                    }
                    u if u.starts_with("http://127.0.0.1:8720") => url = Some(u.to_string()),
                    other => panic!("docs/api.md:{line}: curl option {other} is not understood"),
                }
                i += 1;
            }
            let has_body = match &body {
                Body::Bytes(b) => !b.is_empty(),
                _ => true,
            };
            if !files.is_empty() {
                body = Body::Parts(files);
            } else if has_body
                && !headers
                    .iter()
                    .any(|(k, _)| k.eq_ignore_ascii_case("content-type"))
            {
                // What curl sends with --data-binary.
                headers.push((
                    "Content-Type".into(),
                    "application/x-www-form-urlencoded".into(),
                ));
            }
            let url = url.unwrap_or_else(|| panic!("docs/api.md:{line}: no URL"));
            out.push(Example {
                line: *line,
                method,
                path: url.trim_start_matches("http://127.0.0.1:8720").to_string(),
                headers,
                body,
                output,
                status,
                language,
                expected: expected.clone(),
            });
        }
        out
    }

    fn fenced_blocks(doc: &str) -> Vec<(usize, String, String)> {
        let mut blocks = Vec::new();
        let mut current: Option<(usize, String, String)> = None;
        for (i, line) in doc.lines().enumerate() {
            match (&mut current, line.strip_prefix("```")) {
                (None, Some(info)) => {
                    current = Some((i + 1, info.trim().to_string(), String::new()))
                }
                (Some(_), Some("")) => blocks.extend(current.take()),
                (Some((_, _, text)), _) => {
                    text.push_str(line);
                    text.push('\n');
                }
                (None, None) => {}
            }
        }
        blocks
    }

    /// Whether `actual` holds everything `expected` shows: objects by key, arrays element by
    /// element (the documented array may be shorter), `"…"` for any value.
    fn holds(expected: &Value, actual: &Value, at: &str) -> Result<(), String> {
        match (expected, actual) {
            (Value::String(s), _) if s == "…" => Ok(()),
            (Value::Object(e), Value::Object(a)) => {
                for (k, v) in e {
                    let inner = a
                        .get(k)
                        .ok_or_else(|| format!("{at}.{k}: missing in the response"))?;
                    holds(v, inner, &format!("{at}.{k}"))?;
                }
                Ok(())
            }
            (Value::Array(e), Value::Array(a)) => {
                if e.len() > a.len() {
                    return Err(format!(
                        "{at}: {} elements shown, {} given",
                        e.len(),
                        a.len()
                    ));
                }
                for (i, (x, y)) in e.iter().zip(a).enumerate() {
                    holds(x, y, &format!("{at}[{i}]"))?;
                }
                Ok(())
            }
            (e, a) if e == a => Ok(()),
            (e, a) => Err(format!("{at}: documented {e}, given {a}")),
        }
    }

    #[test]
    fn the_examples_of_docs_api_md_run_against_the_real_server() {
        let root = common::scratch("serve-docs");
        let s = server(Config {
            data: Some(root.join("forms")),
            ..Config::default()
        });
        let doc = std::fs::read_to_string(common::root().join("docs/api.md")).unwrap();
        let examples = examples(&doc);
        assert!(examples.len() >= 10, "docs/api.md has its examples");
        let mut paths = std::collections::BTreeSet::new();
        for e in &examples {
            let mut headers: Vec<(String, String)> = e.headers.clone();
            let body = match &e.body {
                Body::Bytes(b) => b.clone(),
                Body::File(name) => example_file(&root, name),
                Body::Parts(paths) => {
                    let files: Vec<(String, Vec<u8>)> = paths
                        .iter()
                        .map(|p| {
                            let name = Path::new(p).file_name().unwrap().to_string_lossy();
                            (name.into_owned(), example_file(&root, p))
                        })
                        .collect();
                    let parts: Vec<(&str, &[u8])> = files
                        .iter()
                        .map(|(n, b)| (n.as_str(), b.as_slice()))
                        .collect();
                    let (ct, b) = multipart(&parts);
                    headers.push(("Content-Type".into(), ct));
                    b
                }
            };
            let headers: Vec<(&str, &str)> = headers
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_str()))
                .collect();
            let r = request(s.addr(), &e.method, &e.path, &headers, &body);
            let place = format!("docs/api.md:{} ({} {})", e.line, e.method, e.path);
            assert_eq!(r.status, e.status, "{place}: {}", r.text());
            if let Some(path) = &e.output {
                std::fs::write(root.join(path), &r.body).unwrap();
            }
            match e.language.as_str() {
                "json" => {
                    let expected: Value = serde_json::from_str(&e.expected)
                        .unwrap_or_else(|err| panic!("{place}: the documented JSON: {err}"));
                    if let Err(why) = holds(&expected, &r.json(), "") {
                        panic!("{place}: {why}\n{}", r.text());
                    }
                }
                "text" => {
                    for line in e.expected.lines().filter(|l| !l.trim().is_empty()) {
                        let (k, v) = line.split_once(':').unwrap();
                        assert_eq!(r.header(k.trim()), Some(v.trim()), "{place}: header {k}");
                    }
                }
                _ => {
                    let shown: Vec<&str> = e.expected.lines().take_while(|l| *l != "…").collect();
                    let given: Vec<String> = r.text().lines().map(str::to_string).collect();
                    assert!(given.len() >= shown.len(), "{place}: {}", r.text());
                    for (i, l) in shown.iter().enumerate() {
                        assert_eq!(given[i], *l, "{place}: line {}", i + 1);
                    }
                }
            }
            paths.insert(e.path.split('?').next().unwrap().to_string());
        }
        for endpoint in [
            "/api/score",
            "/api/review",
            "/api/import",
            "/api/export",
            "/api/rulesets",
            "/api/template",
            "/api/examples",
            "/api/saved",
        ] {
            assert!(
                paths.iter().any(|p| p.starts_with(endpoint)),
                "docs/api.md shows {endpoint}"
            );
        }
    }
}

#[test]
fn the_command_prints_its_address_and_serves_until_stopped() {
    use std::io::BufRead;
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_jixiao"))
        .args(["serve", "--listen", "127.0.0.1:0"])
        .current_dir(common::root())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let mut line = String::new();
    std::io::BufReader::new(stdout)
        .read_line(&mut line)
        .unwrap();
    let url = line
        .trim()
        .strip_prefix("jixiao serve: ")
        .unwrap()
        .to_string();
    let addr: SocketAddr = url
        .trim_start_matches("http://")
        .trim_end_matches('/')
        .parse()
        .unwrap();
    assert!(addr.ip().is_loopback());
    let r = post(
        addr,
        "/api/score",
        "application/x-www-form-urlencoded",
        &reference("00-department.toml"),
    );
    child.kill().unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(r.status, 200);
    assert_eq!(r.json()["total"], "98.22");
    assert!(
        !String::from_utf8_lossy(&out.stderr).contains("warning"),
        "no warning on loopback"
    );
    assert!(jixiao::serve::is_loopback(&"[::1]:1".parse().unwrap()));
    assert!(!jixiao::serve::is_loopback(
        &"0.0.0.0:8720".parse().unwrap()
    ));
}
