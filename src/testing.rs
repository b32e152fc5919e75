//! Test support: a scripted transport and a tiny executor, so client behaviour
//! (tokens, retries, pagination) is tested without a network or a runtime.
//! Public because integrators want the same for their own tests.

use crate::client::{Transport, TransportError};
use crate::core::request::{redact_url, HttpRequest, HttpResponse};
use std::cell::RefCell;
use std::collections::VecDeque;
use std::future::Future;
use std::pin::pin;
use std::task::{Context, Poll, Waker};

/// One scripted outcome.
#[derive(Debug, Clone)]
pub enum Reply {
    /// An HTTP reply.
    Http(HttpResponse),
    /// A transport failure.
    Fail(TransportError),
}

impl Reply {
    /// A reply with a status and a JSON (or any text) body.
    pub fn json(status: u16, body: &str) -> Reply {
        Reply::Http(HttpResponse {
            status,
            headers: Vec::new(),
            body: body.as_bytes().to_vec(),
        })
    }

    /// A reply with headers.
    pub fn with_headers(status: u16, headers: &[(&str, &str)], body: &str) -> Reply {
        Reply::Http(HttpResponse {
            status,
            headers: headers
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            body: body.as_bytes().to_vec(),
        })
    }

    /// A dropped connection.
    pub fn network() -> Reply {
        Reply::Fail(TransportError {
            timeout: false,
            message: "connection reset".into(),
            cause: None,
        })
    }
}

/// Answers requests from a script, matching each by a path fragment, and
/// records every request and sleep.
#[derive(Debug, Default)]
pub struct ScriptedTransport {
    script: RefCell<VecDeque<(String, Reply)>>,
    /// Every request sent, in order.
    pub sent: RefCell<Vec<HttpRequest>>,
    /// Every sleep, in ms.
    pub slept: RefCell<Vec<u64>>,
}

impl ScriptedTransport {
    /// An empty script.
    pub fn new() -> Self {
        ScriptedTransport::default()
    }

    /// Adds a reply for the next request whose URL contains `url_part`.
    pub fn then(self, url_part: &str, reply: Reply) -> Self {
        self.script
            .borrow_mut()
            .push_back((url_part.to_string(), reply));
        self
    }

    /// Adds a reply later (after construction).
    pub fn push(&self, url_part: &str, reply: Reply) {
        self.script
            .borrow_mut()
            .push_back((url_part.to_string(), reply));
    }

    /// How many requests went to URLs containing `part`.
    pub fn count(&self, part: &str) -> usize {
        self.sent
            .borrow()
            .iter()
            .filter(|r| r.url.contains(part))
            .count()
    }

    /// Replies not yet used.
    pub fn remaining(&self) -> usize {
        self.script.borrow().len()
    }
}

impl Transport for ScriptedTransport {
    async fn send(&self, req: HttpRequest) -> Result<HttpResponse, TransportError> {
        let url = req.url.clone();
        self.sent.borrow_mut().push(req);
        let next = self.script.borrow_mut().pop_front();
        match next {
            Some((part, reply)) if url.contains(&part) => match reply {
                Reply::Http(r) => Ok(r),
                Reply::Fail(e) => Err(e),
            },
            Some((part, _)) => Err(TransportError {
                timeout: false,
                message: format!(
                    "script expected a request to {part}, got {}",
                    redact_url(&url)
                ),
                cause: None,
            }),
            None => Err(TransportError {
                timeout: false,
                message: format!("script exhausted at {}", redact_url(&url)),
                cause: None,
            }),
        }
    }

    async fn sleep(&self, ms: u64) {
        self.slept.borrow_mut().push(ms);
    }
}

/// Runs a future to completion on this thread. The scripted transport never
/// pends, so a spin over a no-op waker is enough.
pub fn block_on<F: Future>(fut: F) -> F::Output {
    let mut fut = pin!(fut);
    let mut cx = Context::from_waker(Waker::noop());
    loop {
        if let Poll::Ready(v) = fut.as_mut().poll(&mut cx) {
            return v;
        }
    }
}

/// A `Date` header value (IMF-fixdate) for `ms`, for replies that carry the
/// vendor's clock. The weekday is always `Mon`: jifen's parser does not check it.
pub fn http_date(ms: u64) -> String {
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let days = (ms / 86_400_000) as i64;
    let secs = (ms / 1000) % 86_400;
    let (y, m, d) = crate::core::time::civil_from_days(days);
    let month = MONTHS
        .get((m as usize).saturating_sub(1))
        .copied()
        .unwrap_or("Jan");
    format!(
        "Mon, {d:02} {month} {y} {:02}:{:02}:{:02} GMT",
        secs / 3600,
        secs / 60 % 60,
        secs % 60
    )
}
