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
    /// Write the problem concept scheme (ontology/problems.ttl) generated
    /// from the rules
    Ontology {
        /// File to write
        #[arg(long, value_hint = clap::ValueHint::FilePath)]
        problems: PathBuf,
    },
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
