//! The SPARQL endpoint: the SPARQL 1.1 Protocol over HTTP (queries by GET
//! and POST, updates only when allowed), a service description, the Graph
//! Store Protocol for reading graphs, the canned queries, `/health`, and a
//! page at `/`. Every query is bounded in time, rows and request size, and
//! the number of queries running at once is capped.
//!
//! The entry point is [`serve`].

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, Result};
use axum::Router;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Path, RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use oxigraph::io::{JsonLdProfileSet, RdfFormat, RdfSerializer};
use oxigraph::model::{GraphName, NamedNode, NamedOrBlankNode, Term, Variable};
use oxigraph::sparql::results::{QueryResultsFormat, QueryResultsSerializer};
use oxigraph::sparql::{CancellationToken, QueryResults, SparqlEvaluator};
use oxigraph::store::Store;
use subtle::ConstantTimeEq;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tower_http::cors::{Any, CorsLayer};

use crate::query::CannedQuery;
use crate::remote::Source;

/// How the server runs and what it allows.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    pub bind: SocketAddr,
    /// Longest time a query may run.
    pub timeout: Duration,
    /// Most result rows (or triples) sent; more are cut, and the response
    /// says so in the `X-Socialgraf-Truncated` header.
    pub max_rows: usize,
    /// Largest request body, bytes.
    pub max_body: usize,
    /// Most queries running at once; more wait for a slot (at most
    /// `timeout`, then 503).
    pub max_concurrent: usize,
    /// Most connections open at once; a new one past it gets 503 and is
    /// closed.
    pub max_connections: usize,
    /// Longest time a client may take to send a request's headers (or to
    /// start the next request on a kept-alive connection) and, separately,
    /// its body; a connection past it is closed (headers) or answered 408
    /// (body).
    pub read_timeout: Duration,
    /// The bearer token that allows SPARQL Update; `None`: read-only.
    pub update_token: Option<String>,
    pub queries_dir: PathBuf,
    /// Problem concept IRIs → labels, for the pictures (see
    /// [`crate::views::build`]).
    pub problem_labels: BTreeMap<String, String>,
}

struct AppState {
    source: Source,
    options: ServeOptions,
    permits: Arc<Semaphore>,
    queries: Vec<CannedQuery>,
}

/// The header that tells a client its results were cut at `max_rows`.
pub const TRUNCATED_HEADER: &str = "x-socialgraf-truncated";

/// Serves until the process is stopped. `on_ready` is called with the
/// address actually bound (the port may have been 0).
pub fn serve(
    source: Source,
    options: ServeOptions,
    on_ready: impl FnOnce(SocketAddr),
) -> Result<()> {
    let queries = CannedQuery::load_dir(&options.queries_dir)?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(options.bind)
            .await
            .with_context(|| format!("binding {}", options.bind))?;
        let addr = listener.local_addr().context("reading the bound address")?;
        let (max_connections, read_timeout) = (options.max_connections, options.read_timeout);
        let state = Arc::new(AppState {
            source,
            permits: Arc::new(Semaphore::new(options.max_concurrent)),
            options,
            queries,
        });
        let app = router(state);
        on_ready(addr);
        accept(listener, app, max_connections, read_timeout).await;
        Ok(())
    })
}

/// Serves each connection accepted on `listener` with hyper's HTTP/1
/// server, which closes a connection whose request headers take longer
/// than `read_timeout` (slow clients, idle kept-alive connections). Past
/// `max_connections` open at once, a new connection is answered 503 and
/// closed, so idle or slow clients cannot take every file descriptor.
async fn accept(
    listener: tokio::net::TcpListener,
    app: Router,
    max_connections: usize,
    read_timeout: Duration,
) {
    let open = Arc::new(Semaphore::new(max_connections));
    loop {
        let stream = match listener.accept().await {
            Ok((stream, _)) => stream,
            // Out of file descriptors, or the client left before accept:
            // wait a moment and go on.
            Err(e) => {
                eprintln!("socialgraf: accepting a connection: {e}");
                tokio::time::sleep(Duration::from_millis(100)).await;
                continue;
            }
        };
        let Ok(permit) = open.clone().try_acquire_owned() else {
            tokio::spawn(refuse(stream));
            continue;
        };
        let _ = stream.set_nodelay(true);
        let service = hyper_util::service::TowerToHyperService::new(app.clone());
        tokio::spawn(async move {
            // An error here is the client's (a reset, a bad request that
            // hyper has already answered, a timeout): nothing to do.
            let _ = hyper::server::conn::http1::Builder::new()
                .timer(hyper_util::rt::TokioTimer::new())
                .header_read_timeout(read_timeout)
                .serve_connection(hyper_util::rt::TokioIo::new(stream), service)
                .await;
            drop(permit);
        });
    }
}

/// Answers a connection past the limit with 503 and closes it: the
/// answer (small enough for one write into a fresh socket), then a FIN,
/// then whatever the client sent is read and dropped for up to a second,
/// so that closing does not reset the connection before the client has
/// read the answer.
async fn refuse(stream: tokio::net::TcpStream) {
    const BODY: &str = "too many open connections; try again later\n";
    let answer = format!(
        "HTTP/1.1 503 Service Unavailable\r\ncontent-type: text/plain; charset=utf-8\r\n\
         content-length: {}\r\nretry-after: 1\r\nconnection: close\r\n\r\n{BODY}",
        BODY.len()
    );
    let linger = async {
        stream.writable().await?;
        stream.try_write(answer.as_bytes())?;
        let stream = stream.into_std()?;
        stream.shutdown(std::net::Shutdown::Write)?;
        let stream = tokio::net::TcpStream::from_std(stream)?;
        let mut sink = [0u8; 4096];
        loop {
            stream.readable().await?;
            match stream.try_read(&mut sink) {
                Ok(0) => return Ok(()),
                Ok(_) => {}
                Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {}
                Err(e) => return Err(e),
            }
        }
    };
    let _: Result<std::io::Result<()>, _> =
        tokio::time::timeout(Duration::from_secs(1), linger).await;
}

/// Reads the whole request body within the read timeout (408 past it, 413
/// past the size limit) before the handler sees it, so a client that sends
/// its body a byte at a time cannot hold a connection.
async fn read_body_in_time(
    State(state): State<Arc<AppState>>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let (parts, body) = request.into_parts();
    let read = axum::body::to_bytes(body, state.options.max_body);
    match tokio::time::timeout(state.options.read_timeout, read).await {
        Ok(Ok(bytes)) => {
            next.run(axum::extract::Request::from_parts(parts, bytes.into()))
                .await
        }
        Ok(Err(e)) => {
            let too_large =
                std::iter::successors(Some(&e as &(dyn std::error::Error + 'static)), |e| {
                    e.source()
                })
                .any(|e| e.is::<http_body_util::LengthLimitError>());
            if too_large {
                error(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    format!("the body is larger than {} bytes", state.options.max_body),
                )
            } else {
                error(StatusCode::BAD_REQUEST, format!("reading the body: {e}"))
            }
        }
        Err(_) => error(
            StatusCode::REQUEST_TIMEOUT,
            format!(
                "the body did not arrive within {} s",
                state.options.read_timeout.as_secs_f64()
            ),
        ),
    }
}

fn router(state: Arc<AppState>) -> Router {
    let max_body = state.options.max_body;
    Router::new()
        .route("/", get(page))
        .route("/query", get(query_get).post(query_post))
        .route("/update", axum::routing::post(update))
        .route("/store", get(graph_store))
        .route("/queries", get(canned_list))
        .route("/queries/{name}", get(canned_run))
        .route("/render/{picture}", get(picture))
        .route("/health", get(|| async { "ok\n" }))
        .route("/vendor/yasgui.min.js", get(yasgui_js))
        .route("/vendor/yasgui.min.css", get(yasgui_css))
        .fallback(|| async { error(StatusCode::NOT_FOUND, "no such path") })
        .layer(DefaultBodyLimit::max(max_body))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            read_body_in_time,
        ))
        .layer(
            CorsLayer::new()
                .allow_origin(Any)
                .allow_methods([Method::GET, Method::POST])
                .allow_headers([header::CONTENT_TYPE, header::ACCEPT, header::AUTHORIZATION])
                .expose_headers([header::HeaderName::from_static(TRUNCATED_HEADER)]),
        )
        .with_state(state)
}

/// An error answer: a status and a message for the client.
struct HttpError(StatusCode, String);

impl IntoResponse for HttpError {
    fn into_response(self) -> Response {
        error(self.0, self.1)
    }
}

fn error(status: StatusCode, message: impl std::fmt::Display) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        format!("{message}\n"),
    )
        .into_response()
}

/// The parameters of a query string or form body, in order.
fn params(raw: &[u8]) -> Vec<(String, String)> {
    form_urlencoded::parse(raw).into_owned().collect()
}

async fn query_get(
    State(state): State<Arc<AppState>>,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
) -> Response {
    let params = params(raw.as_deref().unwrap_or("").as_bytes());
    let Some(query) = params
        .iter()
        .find(|(k, _)| k == "query")
        .map(|(_, v)| v.clone())
    else {
        return service_description();
    };
    run_query(state, query, params, headers, Vec::new()).await
}

async fn query_post(
    State(state): State<Arc<AppState>>,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let mut params = params(raw.as_deref().unwrap_or("").as_bytes());
    let content_type = media_type(&headers, header::CONTENT_TYPE);
    let query = match content_type.as_str() {
        "application/x-www-form-urlencoded" => {
            let form = self::params(&body);
            let query = form
                .iter()
                .find(|(k, _)| k == "query")
                .map(|(_, v)| v.clone());
            params.extend(form);
            match query {
                Some(q) => q,
                None => return error(StatusCode::BAD_REQUEST, "the form has no `query` field"),
            }
        }
        "application/sparql-query" => match String::from_utf8(body.to_vec()) {
            Ok(q) => q,
            Err(_) => return error(StatusCode::BAD_REQUEST, "the query is not UTF-8"),
        },
        other => {
            return error(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                format!(
                    "unsupported body type `{other}`: send application/sparql-query or application/x-www-form-urlencoded"
                ),
            );
        }
    };
    run_query(state, query, params, headers, Vec::new()).await
}

/// The lowercase media type of a header, without parameters.
fn media_type(headers: &HeaderMap, name: header::HeaderName) -> String {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase()
}

/// What a query's results are written as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Written {
    Results(QueryResultsFormat),
    Graph(RdfFormat),
}

impl Written {
    /// The name of the format in `format=` (`json`, `turtle`, `jsonld`...).
    fn short_name(self) -> &'static str {
        match self {
            Written::Results(QueryResultsFormat::Json) => "json",
            Written::Results(QueryResultsFormat::Xml) => "xml",
            Written::Graph(RdfFormat::NTriples) => "ntriples",
            Written::Graph(RdfFormat::JsonLd { .. }) => "jsonld",
            Written::Graph(RdfFormat::RdfXml) => "rdfxml",
            Written::Graph(RdfFormat::Turtle) => "turtle",
            other => other.extension(),
        }
    }

    /// The usual file extension (`csv`, `ttl`, `nt`...), also accepted.
    fn extension(self) -> &'static str {
        match self {
            Written::Results(f) => f.file_extension(),
            Written::Graph(f) => f.file_extension(),
        }
    }

    /// The media type without parameters (`text/csv`).
    fn media_type(self) -> &'static str {
        let full = match self {
            Written::Results(f) => f.media_type(),
            Written::Graph(f) => f.media_type(),
        };
        full.split(';').next().unwrap_or(full).trim()
    }
}

const RESULT_FORMATS: [QueryResultsFormat; 4] = [
    QueryResultsFormat::Json,
    QueryResultsFormat::Xml,
    QueryResultsFormat::Csv,
    QueryResultsFormat::Tsv,
];

fn graph_formats() -> [RdfFormat; 4] {
    [
        RdfFormat::Turtle,
        RdfFormat::NTriples,
        RdfFormat::JsonLd {
            profile: JsonLdProfileSet::empty(),
        },
        RdfFormat::RdfXml,
    ]
}

/// The format to write: the `format` parameter (a short name or a media
/// type) wins; else the `Accept` header with its q-values; else the first.
/// `None` when nothing offered is acceptable (406).
fn negotiate(offered: &[Written], format: Option<&str>, headers: &HeaderMap) -> Option<Written> {
    if let Some(f) = format {
        let f = f.to_ascii_lowercase();
        return offered
            .iter()
            .copied()
            .find(|w| f == w.media_type() || f == w.short_name() || f == w.extension());
    }
    let accept = headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("*/*");
    // (media range, q), in the order given.
    let ranges: Vec<(String, f32)> = accept
        .split(',')
        .filter_map(|part| {
            let mut pieces = part.split(';');
            let range = pieces.next()?.trim().to_ascii_lowercase();
            let q = pieces
                .filter_map(|p| p.trim().strip_prefix("q="))
                .find_map(|q| q.trim().parse::<f32>().ok())
                .unwrap_or(1.0);
            (!range.is_empty()).then_some((range, q))
        })
        .collect();
    let quality = |media: &str| -> Option<(f32, u8)> {
        let (kind, _) = media.split_once('/').unwrap_or((media, ""));
        ranges
            .iter()
            .filter_map(|(range, q)| {
                let specificity = if range == media {
                    2
                } else if range == &format!("{kind}/*") {
                    1
                } else if range == "*/*" {
                    0
                } else {
                    return None;
                };
                Some((specificity, *q))
            })
            .max_by_key(|(s, _)| *s)
            .map(|(s, q)| (q, s))
    };
    offered
        .iter()
        .enumerate()
        .filter_map(|(i, w)| {
            let (q, s) = quality(w.media_type())?;
            (q > 0.0).then_some((q, s, usize::MAX - i, *w))
        })
        .max_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2)))
        .map(|(_, _, _, w)| w)
}

async fn run_query(
    state: Arc<AppState>,
    query: String,
    params: Vec<(String, String)>,
    headers: HeaderMap,
    bindings: Vec<(Variable, Term)>,
) -> Response {
    let permit = match slot(&state).await {
        Ok(permit) => permit,
        Err(busy) => return busy,
    };
    let token = CancellationToken::new();
    let timeout = state.options.timeout;
    let work = {
        let state = Arc::clone(&state);
        let token = token.clone();
        tokio::task::spawn_blocking(move || {
            // The slot is held until the evaluation really ends, even after
            // the client was answered: runaway queries stay bounded in number.
            let _permit = permit;
            evaluate(&state, &query, &params, &headers, &bindings, token)
        })
    };
    match tokio::time::timeout(timeout, work).await {
        Ok(Ok(response)) => response,
        Ok(Err(e)) => error(
            StatusCode::INTERNAL_SERVER_ERROR,
            format!("the query failed: {e}"),
        ),
        Err(_) => {
            // Oxigraph stops at its next read of the store; a join computed
            // in memory runs on in the background, holding its slot.
            token.cancel();
            timed_out(&state)
        }
    }
}

/// A slot to run a query (or draw a picture) in. Past `max_concurrent`
/// running, a request waits for one in arrival order (Tokio's semaphore is
/// fair), at most the time limit; none free by then is 503. How many wait
/// is bounded by `max_connections`: a connection has one request at a time.
async fn slot(state: &AppState) -> Result<OwnedSemaphorePermit, Response> {
    let wait = Arc::clone(&state.permits).acquire_owned();
    match tokio::time::timeout(state.options.timeout, wait).await {
        Ok(Ok(permit)) => Ok(permit),
        _ => Err(error(
            StatusCode::SERVICE_UNAVAILABLE,
            format!(
                "too many queries at once: {} were running and none ended within the time limit of {} s; try again later",
                state.options.max_concurrent,
                state.options.timeout.as_secs_f64()
            ),
        )),
    }
}

fn timed_out(state: &AppState) -> Response {
    error(
        StatusCode::SERVICE_UNAVAILABLE,
        format!(
            "the query was stopped after the time limit of {} s",
            state.options.timeout.as_secs_f64()
        ),
    )
}

/// Parses, evaluates and writes a query (on a blocking thread).
fn evaluate(
    state: &AppState,
    query: &str,
    params: &[(String, String)],
    headers: &HeaderMap,
    bindings: &[(Variable, Term)],
    token: CancellationToken,
) -> Response {
    // A canned query's parameters are bound in the parsed query (a VALUES
    // table, see `query::parse`), never spliced into its text.
    let parsed = match crate::query::parse(query, bindings) {
        Ok(q) => q,
        Err(e) => return error(StatusCode::BAD_REQUEST, format!("{e:#}")),
    };
    let named = |key: &str| -> Result<Vec<NamedNode>, HttpError> {
        params
            .iter()
            .filter(|(k, _)| k == key)
            .map(|(_, v)| {
                NamedNode::new(v.clone()).map_err(|e| {
                    HttpError(
                        StatusCode::BAD_REQUEST,
                        format!("{key} `{v}` is not an IRI: {e}"),
                    )
                })
            })
            .collect()
    };
    let (default_graphs, named_graphs) =
        match (named("default-graph-uri"), named("named-graph-uri")) {
            (Ok(d), Ok(n)) => (d, n),
            (Err(e), _) | (_, Err(e)) => return e.into_response(),
        };
    let results = match &state.source {
        Source::Store(store) => {
            match on_store(store, parsed, default_graphs, named_graphs, &token) {
                Ok(r) => r,
                Err(e) => return evaluation_error(&token, state, e),
            }
        }
        // The remote's answer, parsed, goes through the same negotiation,
        // row cap and serialisation as the store's.
        Source::Endpoint(endpoint) => {
            let as_strings =
                |g: Vec<NamedNode>| g.into_iter().map(NamedNode::into_string).collect();
            let dataset = crate::remote::Dataset {
                default_graphs: as_strings(default_graphs),
                named_graphs: as_strings(named_graphs),
            };
            match endpoint.execute(&parsed, &dataset) {
                Ok(r) => r,
                Err(e) => return error(StatusCode::BAD_GATEWAY, format!("{e:#}")),
            }
        }
    };
    respond(state, results, params, headers, &token)
}

/// Evaluates a parsed query on the store: over the graphs named by the
/// protocol's `default-graph-uri`s, else the union of all graphs.
fn on_store(
    store: &Store,
    parsed: spargebra::Query,
    default_graphs: Vec<NamedNode>,
    named_graphs: Vec<NamedNode>,
    token: &CancellationToken,
) -> Result<QueryResults<'static>, oxigraph::sparql::QueryEvaluationError> {
    let mut prepared = SparqlEvaluator::new()
        .with_cancellation_token(token.clone())
        .for_query(parsed);
    let dataset = prepared.dataset_mut();
    if default_graphs.is_empty() {
        dataset.set_default_graph_as_union();
    } else {
        dataset.set_default_graph(
            default_graphs
                .into_iter()
                .map(GraphName::NamedNode)
                .collect(),
        );
    }
    if !named_graphs.is_empty() {
        dataset.set_available_named_graphs(
            named_graphs
                .into_iter()
                .map(NamedOrBlankNode::NamedNode)
                .collect(),
        );
    }
    prepared.on_store(store).execute()
}

/// Writes results in the negotiated format, cut at `max_rows`.
fn respond(
    state: &AppState,
    results: QueryResults<'static>,
    params: &[(String, String)],
    headers: &HeaderMap,
    token: &CancellationToken,
) -> Response {
    let format = params
        .iter()
        .find(|(k, _)| k == "format")
        .map(|(_, v)| v.as_str());
    let offered: Vec<Written> = match &results {
        QueryResults::Graph(_) => graph_formats().into_iter().map(Written::Graph).collect(),
        _ => RESULT_FORMATS.into_iter().map(Written::Results).collect(),
    };
    let Some(written) = negotiate(&offered, format, headers) else {
        let media: Vec<&str> = offered.iter().map(|w| w.media_type()).collect();
        return error(
            StatusCode::NOT_ACCEPTABLE,
            format!(
                "none of the accepted types can be given; available: {}",
                media.join(", ")
            ),
        );
    };
    let max = state.options.max_rows;
    let mut truncated = false;
    let body: Result<Vec<u8>, anyhow::Error> = (|| match (results, written) {
        (QueryResults::Solutions(solutions), Written::Results(f)) => {
            let mut w = QueryResultsSerializer::from_format(f)
                .serialize_solutions_to_writer(Vec::new(), solutions.variables().to_vec())?;
            for (i, s) in solutions.enumerate() {
                if i == max {
                    truncated = true;
                    break;
                }
                w.serialize(&s?)?;
            }
            Ok(w.finish()?)
        }
        (QueryResults::Boolean(b), Written::Results(f)) => Ok(QueryResultsSerializer::from_format(
            f,
        )
        .serialize_boolean_to_writer(Vec::new(), b)?),
        (QueryResults::Graph(triples), Written::Graph(f)) => {
            let mut w = RdfSerializer::from_format(f).for_writer(Vec::new());
            for (i, t) in triples.enumerate() {
                if i == max {
                    truncated = true;
                    break;
                }
                w.serialize_triple(&t?)?;
            }
            Ok(w.finish()?)
        }
        _ => anyhow::bail!("internal: results and format do not match"),
    })();
    match body {
        Ok(bytes) => {
            let mut response = (
                [(header::CONTENT_TYPE, content_type(written.media_type()))],
                bytes,
            )
                .into_response();
            if truncated {
                response.headers_mut().insert(
                    TRUNCATED_HEADER,
                    HeaderValue::from_str(&format!("true; max-rows={max}"))
                        .unwrap_or(HeaderValue::from_static("true")),
                );
            }
            response
        }
        Err(e) if matches!(state.source, Source::Endpoint(_)) => {
            error(StatusCode::BAD_GATEWAY, format!("{e:#}"))
        }
        Err(e) => evaluation_error(token, state, e),
    }
}

/// The Content-Type of a media type (text types get their charset).
fn content_type(media: &str) -> HeaderValue {
    let value = if media.starts_with("text/") {
        format!("{media}; charset=utf-8")
    } else {
        media.to_string()
    };
    HeaderValue::from_str(&value).unwrap_or(HeaderValue::from_static("application/octet-stream"))
}

/// A query that failed while running: stopped at the time limit (503), or
/// another evaluation error (500).
fn evaluation_error(
    token: &CancellationToken,
    state: &AppState,
    e: impl std::fmt::Display,
) -> Response {
    if token.is_cancelled() {
        timed_out(state)
    } else {
        error(
            StatusCode::INTERNAL_SERVER_ERROR,
            format!("the query failed: {e}"),
        )
    }
}

/// The SPARQL service description (a bare GET on /query).
fn service_description() -> Response {
    let mut body = String::from(
        "@prefix sd: <http://www.w3.org/ns/sparql-service-description#> .\n\
         @prefix fmt: <http://www.w3.org/ns/formats/> .\n\
         [] a sd:Service ;\n\
         \tsd:endpoint <query> ;\n\
         \tsd:supportedLanguage sd:SPARQL11Query ;\n\
         \tsd:feature sd:UnionDefaultGraph ;\n",
    );
    body.push_str(
        "\tsd:resultFormat fmt:SPARQL_Results_JSON , fmt:SPARQL_Results_XML , fmt:SPARQL_Results_CSV , \
         fmt:SPARQL_Results_TSV , fmt:Turtle , fmt:N-Triples , fmt:JSON-LD , fmt:RDF_XML .\n",
    );
    ([(header::CONTENT_TYPE, "text/turtle; charset=utf-8")], body).into_response()
}

/// SPARQL Update: refused unless the server was started with a token, and
/// then only with that token as a bearer token (compared in constant time).
async fn update(State(state): State<Arc<AppState>>, headers: HeaderMap, body: Bytes) -> Response {
    let Source::Store(store) = &state.source else {
        return error(
            StatusCode::FORBIDDEN,
            "this server reads from a remote SPARQL endpoint and is read-only: send updates to that endpoint",
        );
    };
    let Some(expected) = &state.options.update_token else {
        return error(
            StatusCode::FORBIDDEN,
            "this server is read-only (start it with --allow-update and a token to allow updates)",
        );
    };
    let given = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or("");
    // Compared in constant time: a wrong token must not tell how many of
    // its leading bytes were right.
    if !bool::from(given.as_bytes().ct_eq(expected.as_bytes())) {
        return (
            StatusCode::UNAUTHORIZED,
            [(header::WWW_AUTHENTICATE, "Bearer")],
            "a valid bearer token is needed for updates\n",
        )
            .into_response();
    }
    let update = match media_type(&headers, header::CONTENT_TYPE).as_str() {
        "application/sparql-update" => String::from_utf8_lossy(&body).into_owned(),
        "application/x-www-form-urlencoded" => {
            match params(&body).into_iter().find(|(k, _)| k == "update") {
                Some((_, u)) => u,
                None => return error(StatusCode::BAD_REQUEST, "the form has no `update` field"),
            }
        }
        other => {
            return error(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                format!("unsupported body type `{other}`: send application/sparql-update"),
            );
        }
    };
    let store = store.clone();
    let result = tokio::task::spawn_blocking(move || {
        SparqlEvaluator::new()
            .parse_update(&update)
            .map_err(|e| HttpError(StatusCode::BAD_REQUEST, format!("SPARQL syntax error: {e}")))?
            .on_store(&store)
            .execute()
            .map_err(|e| {
                HttpError(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    format!("the update failed: {e}"),
                )
            })
    })
    .await;
    match result {
        Ok(Ok(())) => StatusCode::NO_CONTENT.into_response(),
        Ok(Err(e)) => e.into_response(),
        Err(e) => error(
            StatusCode::INTERNAL_SERVER_ERROR,
            format!("the update failed: {e}"),
        ),
    }
}

/// Graph Store Protocol, read side: `?default` (the union of all graphs),
/// `?graph=IRI` (one named graph), or neither (every graph, as N-Quads).
async fn graph_store(
    State(state): State<Arc<AppState>>,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
) -> Response {
    let params = params(raw.as_deref().unwrap_or("").as_bytes());
    let graph = params
        .iter()
        .find(|(k, _)| k == "graph")
        .map(|(_, v)| v.clone());
    let default = params.iter().any(|(k, _)| k == "default");
    let Source::Store(store) = &state.source else {
        return error(
            StatusCode::NOT_IMPLEMENTED,
            "/store reads the embedded store, and this server reads from a remote SPARQL endpoint: \
             use /query with CONSTRUCT, or the remote's own Graph Store Protocol",
        );
    };
    let store = store.clone();
    let offered: Vec<Written> = if graph.is_some() || default {
        graph_formats().into_iter().map(Written::Graph).collect()
    } else {
        vec![
            Written::Graph(RdfFormat::NQuads),
            Written::Graph(RdfFormat::TriG),
        ]
    };
    let format = params
        .iter()
        .find(|(k, _)| k == "format")
        .map(|(_, v)| v.as_str());
    let Some(Written::Graph(format)) = negotiate(&offered, format, &headers) else {
        return error(
            StatusCode::NOT_ACCEPTABLE,
            "none of the accepted types can be given",
        );
    };
    let result = tokio::task::spawn_blocking(move || -> Result<Option<Vec<u8>>> {
        let mut w = RdfSerializer::from_format(format).for_writer(Vec::new());
        match (graph, default) {
            (Some(g), _) => {
                let node = NamedNode::new(g)?;
                if !store.contains_named_graph(&node)? {
                    return Ok(None);
                }
                for q in store.quads_for_pattern(None, None, None, Some(node.as_ref().into())) {
                    let q = q?;
                    w.serialize_triple(&oxigraph::model::Triple::new(
                        q.subject,
                        q.predicate,
                        q.object,
                    ))?;
                }
            }
            (None, true) => {
                for t in crate::store::graph(&store)? {
                    w.serialize_triple(&t)?;
                }
            }
            (None, false) => {
                for q in crate::store::exported_quads(&store)? {
                    w.serialize_quad(&q)?;
                }
            }
        }
        Ok(Some(w.finish()?))
    })
    .await;
    match result {
        Ok(Ok(Some(bytes))) => (
            [(
                header::CONTENT_TYPE,
                content_type(Written::Graph(format).media_type()),
            )],
            bytes,
        )
            .into_response(),
        Ok(Ok(None)) => error(StatusCode::NOT_FOUND, "no such graph"),
        Ok(Err(e)) => error(StatusCode::BAD_REQUEST, format!("{e:#}")),
        Err(e) => error(StatusCode::INTERNAL_SERVER_ERROR, e),
    }
}

/// The canned queries as JSON, for the page and other clients.
async fn canned_list(State(state): State<Arc<AppState>>) -> Response {
    match serde_json::to_string(&state.queries) {
        Ok(json) => ([(header::CONTENT_TYPE, "application/json")], json).into_response(),
        Err(e) => error(StatusCode::INTERNAL_SERVER_ERROR, e),
    }
}

/// Runs a canned query with its parameters from the query string (bound as
/// literals, as `socialgraf query` does); results negotiated as for /query.
async fn canned_run(
    State(state): State<Arc<AppState>>,
    Path(name): Path<String>,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
) -> Response {
    let Some(q) = state.queries.iter().find(|q| q.name == name).cloned() else {
        return error(StatusCode::NOT_FOUND, format!("no canned query `{name}`"));
    };
    let params = params(raw.as_deref().unwrap_or("").as_bytes());
    let given: BTreeMap<String, String> = params
        .iter()
        .filter(|(k, _)| k != "format")
        .cloned()
        .collect();
    let bindings = match q.bindings(&given) {
        Ok(b) => b,
        Err(e) => return error(StatusCode::BAD_REQUEST, format!("{e:#}")),
    };
    run_query(state, q.text.clone(), params, headers, bindings).await
}

/// A picture as SVG (`socialgraf render`): `map.svg` (`?problem=ID` for
/// one problem), `heatmap.svg`, `network.svg` (`?view=actors|municipalities|
/// problems|municipality-problem`), drawn from the store as it is now,
/// bounded in time and in number like queries.
async fn picture(
    State(state): State<Arc<AppState>>,
    Path(name): Path<String>,
    RawQuery(raw): RawQuery,
) -> Response {
    use crate::render::figures::{self, Picture};
    let params: BTreeMap<String, String> = params(raw.as_deref().unwrap_or("").as_bytes())
        .into_iter()
        .collect();
    let picture = match name.as_str() {
        "map.svg" => match params.get("problem").filter(|p| !p.is_empty()) {
            None => Picture::Map { problem: None },
            Some(p) => match figures::find_problem(&state.options.problem_labels, p) {
                Ok(iri) => Picture::Map { problem: Some(iri) },
                Err(e) => return error(StatusCode::BAD_REQUEST, e),
            },
        },
        "heatmap.svg" => Picture::Heatmap,
        "network.svg" => {
            let wanted = params.get("view").map_or("actors", String::as_str);
            match crate::views::View::ALL
                .into_iter()
                .find(|v| v.name() == wanted)
            {
                Some(view) => Picture::Network(view),
                None => {
                    return error(
                        StatusCode::BAD_REQUEST,
                        format!(
                            "unknown view `{wanted}`: actors, municipality-problem, municipalities or problems"
                        ),
                    );
                }
            }
        }
        _ => {
            return error(
                StatusCode::NOT_FOUND,
                "no such picture: map.svg, heatmap.svg or network.svg",
            );
        }
    };
    let permit = match slot(&state).await {
        Ok(permit) => permit,
        Err(busy) => return busy,
    };
    let work = {
        let state = Arc::clone(&state);
        tokio::task::spawn_blocking(move || {
            let _permit = permit;
            figures::draw(
                &state.source,
                &state.options.problem_labels,
                &picture,
                &crate::analyze::Settings::default(),
            )
        })
    };
    match tokio::time::timeout(state.options.timeout, work).await {
        Ok(Ok(Ok(svg))) => ([(header::CONTENT_TYPE, "image/svg+xml")], svg).into_response(),
        Ok(Ok(Err(e))) => {
            // Drawing from a remote fails when the remote does.
            let status = match state.source {
                Source::Endpoint(_) => StatusCode::BAD_GATEWAY,
                Source::Store(_) => StatusCode::INTERNAL_SERVER_ERROR,
            };
            error(status, format!("drawing {name} failed: {e:#}"))
        }
        Ok(Err(e)) => error(StatusCode::INTERNAL_SERVER_ERROR, e),
        Err(_) => timed_out(&state),
    }
}

/// YASGUI (Yasqe editor + Yasr results, MIT), vendored by
/// `vendor/yasgui/fetch.sh` at a pinned version and compiled in.
async fn yasgui_js() -> Response {
    vendored(
        "application/javascript",
        include_bytes!("../vendor/yasgui/yasgui.min.js"),
    )
}

async fn yasgui_css() -> Response {
    vendored(
        "text/css",
        include_bytes!("../vendor/yasgui/yasgui.min.css"),
    )
}

fn vendored(media: &'static str, bytes: &'static [u8]) -> Response {
    (
        [
            (header::CONTENT_TYPE, media),
            (header::CACHE_CONTROL, "public, max-age=86400"),
        ],
        bytes,
    )
        .into_response()
}

/// The page at `/`: a query form and the canned queries (self-contained:
/// no script or style from elsewhere).
async fn page() -> Response {
    (
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        include_str!("page.html"),
    )
        .into_response()
}
