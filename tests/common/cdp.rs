//! A small client of the Chrome DevTools protocol over a WebSocket (tungstenite), enough to
//! drive headless Chromium in a test: launch it, open a page, evaluate script, type, collect
//! console errors, take a screenshot. Every wait is bounded by a deadline.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use serde_json::{Value, json};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use tungstenite::{Message, WebSocket};

/// How long one protocol call may take.
const CALL_TIMEOUT: Duration = Duration::from_secs(30);

/// The browser to use: `JIXIAO_CHROMIUM`, else Debian's `chromium` or Chrome where installed.
pub fn chromium() -> Option<PathBuf> {
    if let Ok(path) = std::env::var("JIXIAO_CHROMIUM") {
        return Some(PathBuf::from(path));
    }
    [
        "/usr/bin/chromium",
        "/usr/bin/chromium-browser",
        "/usr/bin/google-chrome",
    ]
    .iter()
    .map(PathBuf::from)
    .find(|p| p.exists())
}

pub struct Browser {
    child: Child,
    ws: WebSocket<TcpStream>,
    next_id: u64,
    session: Option<String>,
    /// Every event received, in order.
    pub events: Vec<Value>,
}

impl Browser {
    /// Start headless Chromium with a fresh profile and attach to a blank page.
    pub fn launch(chrome: &Path, profile: &Path) -> Result<Browser, String> {
        let _ = std::fs::remove_dir_all(profile);
        std::fs::create_dir_all(profile).map_err(|e| e.to_string())?;
        let child = Command::new(chrome)
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--no-default-browser-check",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-extensions",
                "--remote-debugging-address=127.0.0.1",
                "--remote-debugging-port=0",
                "--window-size=1500,1100",
            ])
            .arg(format!("--user-data-dir={}", profile.display()))
            .arg("about:blank")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| format!("cannot start {}: {e}", chrome.display()))?;
        // Chromium writes the port it chose, and the browser's WebSocket path, to this file.
        let port_file = profile.join("DevToolsActivePort");
        let deadline = Instant::now() + Duration::from_secs(30);
        let (port, path) = loop {
            if let Ok(text) = std::fs::read_to_string(&port_file) {
                let mut lines = text.lines();
                if let (Some(port), Some(path)) = (lines.next(), lines.next()) {
                    break (port.trim().to_string(), path.trim().to_string());
                }
            }
            if Instant::now() > deadline {
                let mut child = child;
                let _ = child.kill();
                let _ = child.wait();
                return Err("chromium did not write DevToolsActivePort within 30 s".into());
            }
            std::thread::sleep(Duration::from_millis(50));
        };
        let stream = TcpStream::connect(format!("127.0.0.1:{port}")).map_err(|e| e.to_string())?;
        // A loaded machine (CI builds beside the browser) may take seconds to answer the
        // handshake: a short read timeout there fails it with WouldBlock. The short timeout that
        // the event loop polls with is set once the socket is a WebSocket.
        stream
            .set_read_timeout(Some(Duration::from_secs(30)))
            .map_err(|e| e.to_string())?;
        let (ws, _) = tungstenite::client(format!("ws://127.0.0.1:{port}{path}"), stream)
            .map_err(|e| format!("WebSocket handshake: {e}"))?;
        ws.get_ref()
            .set_read_timeout(Some(Duration::from_millis(200)))
            .map_err(|e| e.to_string())?;
        let mut browser = Browser {
            child,
            ws,
            next_id: 0,
            session: None,
            events: Vec::new(),
        };
        let target = browser.call("Target.createTarget", json!({"url": "about:blank"}))?;
        let target_id = target["targetId"].as_str().unwrap_or_default().to_string();
        let attached = browser.call(
            "Target.attachToTarget",
            json!({"targetId": target_id, "flatten": true}),
        )?;
        browser.session = attached["sessionId"].as_str().map(str::to_string);
        for domain in ["Runtime.enable", "Log.enable", "Page.enable"] {
            browser.call(domain, json!({}))?;
        }
        Ok(browser)
    }

    /// One protocol command on the page (or on the browser before a page is attached).
    pub fn call(&mut self, method: &str, params: Value) -> Result<Value, String> {
        self.next_id += 1;
        let id = self.next_id;
        let mut message = json!({"id": id, "method": method, "params": params});
        if let Some(session) = &self.session {
            message["sessionId"] = json!(session);
        }
        self.ws
            .send(Message::text(message.to_string()))
            .map_err(|e| format!("{method}: send: {e}"))?;
        let deadline = Instant::now() + CALL_TIMEOUT;
        loop {
            if Instant::now() > deadline {
                return Err(format!("{method}: no answer within {CALL_TIMEOUT:?}"));
            }
            let Some(value) = self.receive()? else {
                continue;
            };
            if value["id"] == json!(id) {
                if let Some(error) = value.get("error") {
                    return Err(format!("{method}: {error}"));
                }
                return Ok(value["result"].clone());
            }
            self.events.push(value);
        }
    }

    /// One message, or `None` when nothing came within the read timeout.
    fn receive(&mut self) -> Result<Option<Value>, String> {
        match self.ws.read() {
            Ok(Message::Text(text)) => serde_json::from_str(text.as_str())
                .map(Some)
                .map_err(|e| e.to_string()),
            Ok(_) => Ok(None),
            Err(tungstenite::Error::Io(e))
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                ) =>
            {
                Ok(None)
            }
            Err(e) => Err(format!("WebSocket: {e}")),
        }
    }

    /// Collect events for a while.
    pub fn pump(&mut self, time: Duration) {
        let deadline = Instant::now() + time;
        while Instant::now() < deadline {
            match self.receive() {
                Ok(Some(v)) => self.events.push(v),
                Ok(None) => {}
                Err(_) => break,
            }
        }
    }

    /// Evaluate an expression in the page (promises awaited) and return its value.
    pub fn eval(&mut self, expression: &str) -> Result<Value, String> {
        let result = self.call(
            "Runtime.evaluate",
            json!({"expression": expression, "awaitPromise": true, "returnByValue": true}),
        )?;
        if let Some(details) = result.get("exceptionDetails") {
            return Err(format!("{expression}: {details}"));
        }
        Ok(result["result"]["value"].clone())
    }

    /// Wait until `expression` is truthy; its last value when the time runs out.
    pub fn wait_for(&mut self, expression: &str, time: Duration) -> Result<Value, String> {
        let deadline = Instant::now() + time;
        let mut last = Value::Null;
        for _ in 0..10_000 {
            last = self.eval(expression)?;
            let truthy = match &last {
                Value::Null => false,
                Value::Bool(b) => *b,
                Value::String(s) => !s.is_empty(),
                Value::Number(n) => n.as_f64() != Some(0.0),
                _ => true,
            };
            if truthy {
                return Ok(last);
            }
            if Instant::now() > deadline {
                break;
            }
            self.pump(Duration::from_millis(50));
        }
        Err(format!(
            "waited {time:?} for `{expression}`; last value {last}"
        ))
    }

    pub fn navigate(&mut self, url: &str) -> Result<(), String> {
        self.call("Page.navigate", json!({"url": url})).map(|_| ())
    }

    /// Focus an element (a CSS selector), select its text, and type `text` as a user would
    /// (the browser fires `input` events); an empty `text` deletes the selection.
    pub fn type_into(&mut self, selector: &str, text: &str) -> Result<(), String> {
        let found = self.eval(&format!(
            "(() => {{ const e = document.querySelector({}); if (!e) return false; e.scrollIntoView({{block: 'center'}}); e.focus(); e.select(); return true; }})()",
            serde_json::to_string(selector).unwrap_or_default()
        ))?;
        if found != Value::Bool(true) {
            return Err(format!("no element {selector}"));
        }
        if text.is_empty() {
            for kind in ["keyDown", "keyUp"] {
                self.call(
                    "Input.dispatchKeyEvent",
                    json!({"type": kind, "key": "Backspace", "code": "Backspace", "windowsVirtualKeyCode": 8, "nativeVirtualKeyCode": 8}),
                )?;
            }
            return Ok(());
        }
        self.call("Input.insertText", json!({"text": text}))
            .map(|_| ())
    }

    /// Console errors, uncaught exceptions and failed loads the page reported.
    pub fn console_errors(&self) -> Vec<String> {
        let mut out = Vec::new();
        for e in &self.events {
            let params = &e["params"];
            match e["method"].as_str() {
                Some("Runtime.consoleAPICalled")
                    if matches!(params["type"].as_str(), Some("error" | "assert")) =>
                {
                    out.push(format!("console.{}: {}", params["type"], params["args"]));
                }
                Some("Runtime.exceptionThrown") => {
                    out.push(format!("exception: {}", params["exceptionDetails"]));
                }
                Some("Log.entryAdded") if params["entry"]["level"] == "error" => {
                    out.push(format!(
                        "log: {} {}",
                        params["entry"]["text"], params["entry"]["url"]
                    ));
                }
                _ => {}
            }
        }
        out
    }

    /// A PNG of the page as shown.
    pub fn screenshot(&mut self) -> Result<Vec<u8>, String> {
        let shot = self.call("Page.captureScreenshot", json!({"format": "png"}))?;
        base64_decode(shot["data"].as_str().unwrap_or_default())
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.ws.close(None);
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Standard base64 (the screenshot's encoding).
pub fn base64_decode(text: &str) -> Result<Vec<u8>, String> {
    let value = |c: u8| -> Result<u32, String> {
        Ok(match c {
            b'A'..=b'Z' => u32::from(c - b'A'),
            b'a'..=b'z' => u32::from(c - b'a') + 26,
            b'0'..=b'9' => u32::from(c - b'0') + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return Err(format!("not base64: {}", c as char)),
        })
    };
    let clean: Vec<u8> = text
        .bytes()
        .filter(|c| !c.is_ascii_whitespace() && *c != b'=')
        .collect();
    let mut out = Vec::with_capacity(clean.len() * 3 / 4);
    for chunk in clean.chunks(4) {
        let mut n = 0u32;
        for (i, c) in chunk.iter().enumerate() {
            n |= value(*c)? << (18 - 6 * i);
        }
        let bytes = n.to_be_bytes();
        out.extend_from_slice(&bytes[1..chunk.len()]);
    }
    Ok(out)
}
