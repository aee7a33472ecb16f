//! Command-line interface types (clap derive). Doc comments are the help text.

use std::path::PathBuf;

use clap::{Parser, Subcommand};

/// Swedish social-services texts to a knowledge graph with evidence.
#[derive(Debug, Parser)]
#[command(name = "socialgraf", version, about, long_about = None)]
pub struct Cli {
    /// Folder with the extraction rules and gazetteers (default:
    /// `$SOCIALGRAF_RULES`, else `./extract` in a checkout, else the crate's
    /// `extract/`)
    #[arg(long, global = true, value_hint = clap::ValueHint::DirPath)]
    pub rules: Option<PathBuf>,

    /// Skip documents larger than this many bytes
    #[arg(long, global = true, default_value_t = socialgraf::corpus::DEFAULT_MAX_BYTES)]
    pub max_bytes: u64,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Extract facts: one facts TSV per document (the format of
    /// tests/gold/FORMAT.md)
    Facts {
        /// Folder of `.txt` documents
        #[arg(value_hint = clap::ValueHint::DirPath)]
        corpus: PathBuf,
        /// Output folder for `<stem>.tsv` files
        #[arg(long, value_hint = clap::ValueHint::DirPath)]
        out: PathBuf,
    },
    /// Score extraction against gold facts: precision, recall, F1
    Eval {
        /// Folder of `.txt` documents
        #[arg(value_hint = clap::ValueHint::DirPath)]
        corpus: PathBuf,
        /// Folder of gold facts TSV files
        #[arg(long, value_hint = clap::ValueHint::DirPath)]
        gold: PathBuf,
        /// List each false positive and false negative with its evidence
        #[arg(long)]
        show_errors: bool,
        /// Per rule id: how many of its facts were true and false positives
        #[arg(long)]
        by_rule: bool,
    },
    /// Build the graph into the store (only added or changed documents are
    /// extracted) and optionally write it as Turtle
    Build {
        /// Folder of `.txt` documents
        #[arg(value_hint = clap::ValueHint::DirPath)]
        corpus: PathBuf,
        #[command(flatten)]
        store: StoreArgs,
        /// Turtle file to write the whole graph to
        #[arg(long, value_hint = clap::ValueHint::FilePath)]
        turtle: Option<PathBuf>,
        /// How many example facts to show in the summary
        #[arg(long, default_value_t = 5)]
        examples: usize,
    },
    /// Run a canned query of queries/ (`--list` shows them)
    Query {
        /// The query's name (see --list)
        #[arg(required_unless_present = "list")]
        name: Option<String>,
        /// List the canned queries with their parameters
        #[arg(long)]
        list: bool,
        /// A parameter value, NAME=VALUE (bound as an RDF literal, never
        /// spliced into the query text); repeat for several
        #[arg(long = "param", value_parser = parse_param)]
        params: Vec<(String, String)>,
        /// Output format (default: table on a terminal, else tsv)
        #[arg(long, value_enum)]
        format: Option<ResultsFormat>,
        /// Folder of .rq files (default: $SOCIALGRAF_QUERIES, else the
        /// crate's queries/)
        #[arg(long, value_hint = clap::ValueHint::DirPath)]
        queries: Option<PathBuf>,
        #[command(flatten)]
        source: ReadArgs,
    },
    /// Run an ad-hoc SPARQL query against the store (or --endpoint)
    Sparql {
        /// The query text
        #[arg(required_unless_present = "file", conflicts_with = "file")]
        query: Option<String>,
        /// Read the query from a file
        #[arg(short = 'f', long, value_hint = clap::ValueHint::FilePath)]
        file: Option<PathBuf>,
        /// Output format (default: table on a terminal, else tsv)
        #[arg(long, value_enum)]
        format: Option<ResultsFormat>,
        #[command(flatten)]
        source: ReadArgs,
    },
    /// Load RDF files (Turtle, N-Triples, N-Quads, TriG, RDF/XML, JSON-LD)
    /// into the store
    Load {
        /// Files to load; the format comes from the extension
        #[arg(required = true, value_hint = clap::ValueHint::FilePath)]
        files: Vec<PathBuf>,
        #[command(flatten)]
        store: StoreArgs,
    },
    /// Write the store's graph in an RDF format
    Export {
        /// The format
        #[arg(long, value_enum, default_value_t = RdfExportFormat::Turtle)]
        format: RdfExportFormat,
        /// File to write (default: standard output)
        #[arg(short = 'o', long, value_hint = clap::ValueHint::FilePath)]
        output: Option<PathBuf>,
        /// Write N-Quads shards of at most this many quads each
        /// (part-00000.nq, part-00001.nq...) into --out, for the bulk
        /// loaders of Virtuoso or QLever (needs --format nquads)
        #[arg(long, requires = "out", conflicts_with = "output")]
        shard_quads: Option<usize>,
        /// Folder for the shards of --shard-quads (created if missing)
        #[arg(long, requires = "shard_quads", value_hint = clap::ValueHint::DirPath)]
        out: Option<PathBuf>,
        #[command(flatten)]
        store: StoreArgs,
    },
    /// Back the store up into a new folder: a consistent snapshot that is
    /// itself a store (read it with `--store BACKUP`, or `restore` it)
    Backup {
        /// The new folder to write the backup to
        #[arg(value_hint = clap::ValueHint::DirPath)]
        target: PathBuf,
        #[command(flatten)]
        store: StoreArgs,
    },
    /// Restore a backup made by `backup` into a new store folder (the
    /// backup itself is not changed)
    Restore {
        /// The backup folder
        #[arg(value_hint = clap::ValueHint::DirPath)]
        backup: PathBuf,
        #[command(flatten)]
        store: StoreArgs,
    },
    /// Send the store's graph to another SPARQL 1.1 store (Virtuoso,
    /// QLever, Fuseki, a `socialgraf serve --allow-update`...) through
    /// SPARQL Update, in batches, retrying on transient failures
    Push {
        /// The SPARQL Update endpoint (http://...)
        #[arg(long)]
        endpoint: String,
        /// Put every triple in this named graph instead of its document's
        #[arg(long)]
        graph: Option<String>,
        /// Quads per request (2,000 make about 300 kB of SPARQL Update)
        #[arg(long, default_value_t = 2_000)]
        batch: usize,
        /// Attempts per batch before giving up
        #[arg(long, default_value_t = 5)]
        attempts: u32,
        /// File holding a bearer token for the endpoint (else
        /// $SOCIALGRAF_PUSH_TOKEN; never give it on the command line)
        #[arg(long, value_hint = clap::ValueHint::FilePath)]
        token_file: Option<PathBuf>,
        #[command(flatten)]
        store: StoreArgs,
    },
    /// Serve the store over HTTP: the SPARQL 1.1 Protocol at /query, a page
    /// at /, canned queries at /queries, graphs at /store, /health
    Serve {
        #[command(flatten)]
        source: ReadArgs,
        /// Address to listen on (loopback by default)
        #[arg(long, default_value = "127.0.0.1:7878")]
        bind: std::net::SocketAddr,
        /// Longest time a query may run, in seconds
        #[arg(long, default_value_t = 10.0)]
        timeout: f64,
        /// Most result rows sent for one query (the response says when
        /// results were cut)
        #[arg(long, default_value_t = 10_000)]
        max_rows: usize,
        /// Largest request body, in bytes
        #[arg(long, default_value_t = 1_000_000)]
        max_body: usize,
        /// Most queries running at once; more wait for a slot, in arrival
        /// order, at most --timeout (then 503)
        #[arg(long, default_value_t = 8)]
        max_concurrent: usize,
        /// Most connections open at once (past it, a new one gets 503)
        #[arg(long, default_value_t = 256)]
        max_connections: usize,
        /// Longest time a client may take to send a request's headers, or
        /// its body, in seconds; an idle kept-alive connection is closed
        /// after it too
        #[arg(long, default_value_t = 10.0)]
        read_timeout: f64,
        /// Allow SPARQL Update at /update, for clients that send the bearer
        /// token of --token-file or $SOCIALGRAF_TOKEN
        #[arg(long)]
        allow_update: bool,
        /// File holding the update token (never give it on the command line)
        #[arg(long, value_hint = clap::ValueHint::FilePath)]
        token_file: Option<PathBuf>,
        /// Folder of .rq files for /queries
        #[arg(long, value_hint = clap::ValueHint::DirPath)]
        queries: Option<PathBuf>,
    },
    /// Graph analytics on the store: recurring problems, communities,
    /// centrality, a view's edges; --write stores every view's results in
    /// the graph
    Analyze {
        #[command(subcommand)]
        task: Option<AnalyzeCommand>,
        /// Store every view's centrality scores and communities in the
        /// named graph <https://w3id.org/socialgraf/graph/analytics>,
        /// replacing the previous run's
        #[arg(long, global = true)]
        write: bool,
        /// Output format (default: table on a terminal, else tsv)
        #[arg(long, global = true, value_enum)]
        format: Option<ResultsFormat>,
        #[command(flatten)]
        options: AnalyticsOptions,
    },
    /// Draw a picture of the graph as SVG: a map of the municipalities, the
    /// municipality × problem heatmap, or a view as a network
    Render {
        #[command(subcommand)]
        picture: RenderCommand,
        /// File to write (default: standard output)
        #[arg(short = 'o', long, global = true, value_hint = clap::ValueHint::FilePath)]
        output: Option<PathBuf>,
        #[command(flatten)]
        options: AnalyticsOptions,
    },
    /// Write the problem concept scheme (ontology/problems.ttl) generated
    /// from the rules
    Ontology {
        /// File to write
        #[arg(long, value_hint = clap::ValueHint::FilePath)]
        problems: PathBuf,
    },
    /// Benchmark helpers
    Bench {
        #[command(subcommand)]
        command: BenchCommand,
    },
}

/// What `bench` does.
#[derive(Debug, Subcommand)]
pub enum BenchCommand {
    /// Write a deterministic synthetic corpus in the seeds' styles
    /// (corpus/templates.toml filled from the gazetteers; every
    /// municipality in any 290 consecutive documents), about 6 kB a
    /// document: 16,000 documents make about 100 MB
    Corpus {
        /// Number of documents
        #[arg(long)]
        docs: usize,
        /// Folder to write them to (created if missing)
        #[arg(long, value_hint = clap::ValueHint::DirPath)]
        out: PathBuf,
        /// Seed: the same seed, rules and number give the same files
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
    /// Load-test a running `socialgraf serve`: concurrent clients send the
    /// server's canned queries (GET /queries) until the total is sent;
    /// prints errors, latency quantiles and, with --server-pid, the
    /// server's memory after the warm-up and at the end; exits 2 if any
    /// request failed
    Load {
        /// The server's base URL
        #[arg(long, default_value = "http://127.0.0.1:7878")]
        url: String,
        /// Concurrent clients, each with its own connection
        #[arg(long, default_value_t = 32)]
        clients: usize,
        /// Requests in all
        #[arg(long, default_value_t = 20_000)]
        requests: usize,
        /// Requests answered before the server's memory is first read
        /// (default: a tenth of them)
        #[arg(long)]
        warm_up: Option<usize>,
        /// The server's process id, to read its memory from /proc
        #[arg(long)]
        server_pid: Option<u32>,
    },
}

/// What `analyze` shows.
#[derive(Debug, Subcommand)]
pub enum AnalyzeCommand {
    /// Problems ranked by the number of municipalities that face them or
    /// run initiatives against them, with the municipalities and the
    /// number of supporting documents
    RecurringProblems,
    /// Communities (modularity maximisation) of a view, largest first
    Communities {
        #[arg(long, value_enum, default_value_t = ViewArg::Municipalities)]
        view: ViewArg,
    },
    /// The most central nodes of a view (PageRank, betweenness, degree)
    Centrality {
        #[arg(long, value_enum, default_value_t = ViewArg::Actors)]
        view: ViewArg,
        /// How many nodes to show
        #[arg(long, default_value_t = 20)]
        top: usize,
    },
    /// A view's edge list (source, target, weight, with IRIs and labels)
    Edges {
        #[arg(long, value_enum, default_value_t = ViewArg::Municipalities)]
        view: ViewArg,
    },
}

/// What `render` draws.
#[derive(Debug, Subcommand)]
pub enum RenderCommand {
    /// Sweden's 290 municipalities, each shaded by the number of recurring
    /// problems it faces (in 2 or more municipalities), or by the facts on
    /// one problem
    Map {
        /// Shade by this problem only (its id, e.g. hemmasittare, or its
        /// Swedish label)
        #[arg(long)]
        problem: Option<String>,
    },
    /// Municipalities × problems, each cell the number of supporting facts
    Heatmap,
    /// A view as a network: nodes coloured by community, sized by PageRank
    Network {
        #[arg(long, value_enum, default_value_t = ViewArg::Actors)]
        view: ViewArg,
    },
}

/// The graphs `analyze` works on (see ARCHITECTURE.md, `views`).
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum ViewArg {
    /// Persons, organisations, initiatives, events
    Actors,
    /// Municipalities and the problems they face (bipartite)
    MunicipalityProblem,
    /// Municipalities linked by the problems they share
    Municipalities,
    /// Problems linked by the municipalities where both recur
    Problems,
}

impl ViewArg {
    pub fn view(self) -> socialgraf::views::View {
        use socialgraf::views::View;
        match self {
            ViewArg::Actors => View::Actors,
            ViewArg::MunicipalityProblem => View::MunicipalityProblem,
            ViewArg::Municipalities => View::Municipalities,
            ViewArg::Problems => View::Problems,
        }
    }
}

/// Options of `analyze` and `render`, accepted before or after the
/// subcommand.
#[derive(Debug, clap::Args)]
pub struct AnalyticsOptions {
    /// Store folder (default: $SOCIALGRAF_STORE, else ./socialgraf.db)
    #[arg(long, global = true, value_hint = clap::ValueHint::DirPath)]
    pub store: Option<PathBuf>,
    /// Read from this remote SPARQL 1.1 query endpoint (http://...)
    /// instead of the store (not with --write)
    #[arg(long, global = true, conflicts_with = "store")]
    pub endpoint: Option<String>,
    /// Longest time a request to --endpoint may take, in seconds
    #[arg(long, global = true, default_value_t = 300.0)]
    pub endpoint_timeout: f64,
    /// Modularity resolution (higher: more, smaller communities)
    #[arg(long, global = true, default_value_t = 1.0)]
    pub resolution: f64,
    /// Seed of community detection and sampled betweenness
    #[arg(long, global = true, default_value_t = 42)]
    pub seed: u64,
    /// PageRank damping factor
    #[arg(long, global = true, default_value_t = 0.85)]
    pub damping: f64,
    /// Betweenness from this many sampled source nodes (large graphs);
    /// exact when not given
    #[arg(long, global = true)]
    pub samples: Option<usize>,
}

impl AnalyticsOptions {
    pub fn settings(&self) -> socialgraf::analyze::Settings {
        socialgraf::analyze::Settings {
            resolution: self.resolution,
            seed: self.seed,
            damping: self.damping,
            samples: self.samples,
            ..socialgraf::analyze::Settings::default()
        }
    }

    /// The store, or the endpoint when one is given.
    pub fn read_from(&self) -> socialgraf::app::ReadFrom {
        read_from(
            socialgraf::store::Location::resolve(self.store.as_deref(), false),
            self.endpoint.as_deref(),
            self.endpoint_timeout,
        )
    }
}

/// Where reads come from: the store, or a remote SPARQL endpoint.
#[derive(Debug, clap::Args)]
pub struct ReadArgs {
    #[command(flatten)]
    pub store: StoreArgs,
    /// Read from this remote SPARQL 1.1 query endpoint (http://...; e.g.
    /// Virtuoso's http://HOST:8890/sparql) instead of the store
    #[arg(long, conflicts_with_all = ["store", "memory"])]
    pub endpoint: Option<String>,
    /// Longest time a request to --endpoint may take, in seconds
    #[arg(long, default_value_t = 300.0)]
    pub endpoint_timeout: f64,
}

impl ReadArgs {
    /// The store, or the endpoint when one is given.
    pub fn read_from(&self) -> socialgraf::app::ReadFrom {
        read_from(
            self.store.location(),
            self.endpoint.as_deref(),
            self.endpoint_timeout,
        )
    }
}

fn read_from(
    location: socialgraf::store::Location,
    endpoint: Option<&str>,
    timeout: f64,
) -> socialgraf::app::ReadFrom {
    use socialgraf::app::ReadFrom;
    match endpoint {
        Some(url) => ReadFrom::Endpoint {
            url: url.to_string(),
            timeout,
        },
        None => ReadFrom::Store(location),
    }
}

/// Where the store is.
#[derive(Debug, clap::Args)]
pub struct StoreArgs {
    /// Store folder (default: $SOCIALGRAF_STORE, else ./socialgraf.db)
    #[arg(long, value_hint = clap::ValueHint::DirPath, conflicts_with = "memory")]
    pub store: Option<PathBuf>,
    /// Keep the store in memory only (nothing is written to disk)
    #[arg(long)]
    pub memory: bool,
}

impl StoreArgs {
    pub fn location(&self) -> socialgraf::store::Location {
        socialgraf::store::Location::resolve(self.store.as_deref(), self.memory)
    }
}

/// How query results are written.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum ResultsFormat {
    Table,
    Csv,
    Tsv,
    Json,
}

impl ResultsFormat {
    /// The format asked for, else a table on a terminal and TSV otherwise.
    pub fn or_default(format: Option<ResultsFormat>) -> socialgraf::query::OutputFormat {
        use socialgraf::query::OutputFormat;
        use std::io::IsTerminal;
        match format {
            Some(ResultsFormat::Table) => OutputFormat::Table,
            Some(ResultsFormat::Csv) => OutputFormat::Csv,
            Some(ResultsFormat::Tsv) => OutputFormat::Tsv,
            Some(ResultsFormat::Json) => OutputFormat::Json,
            None if std::io::stdout().is_terminal() => OutputFormat::Table,
            None => OutputFormat::Tsv,
        }
    }
}

/// The RDF formats of `export`.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum RdfExportFormat {
    Turtle,
    Ntriples,
    Nquads,
    Trig,
    Jsonld,
    Rdfxml,
}

impl RdfExportFormat {
    pub fn format(self) -> socialgraf::export::ExportFormat {
        use socialgraf::export::ExportFormat;
        match self {
            RdfExportFormat::Turtle => ExportFormat::Turtle,
            RdfExportFormat::Ntriples => ExportFormat::NTriples,
            RdfExportFormat::Nquads => ExportFormat::NQuads,
            RdfExportFormat::Trig => ExportFormat::TriG,
            RdfExportFormat::Jsonld => ExportFormat::JsonLd,
            RdfExportFormat::Rdfxml => ExportFormat::RdfXml,
        }
    }
}

/// `NAME=VALUE` of `--param`.
fn parse_param(s: &str) -> Result<(String, String), String> {
    let (name, value) = s
        .split_once('=')
        .ok_or_else(|| format!("`{s}` is not NAME=VALUE"))?;
    Ok((name.trim().to_string(), value.to_string()))
}
