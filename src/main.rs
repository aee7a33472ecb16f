//! The `socialgraf` binary: parses arguments and calls the library.

mod cli;

use std::process::ExitCode;

use clap::Parser;
use socialgraf::app::{self, CorpusOptions, Status};

use crate::cli::{BenchCommand, Cli, Command, ResultsFormat};

/// Extraction allocates many small strings (names, spans, facts): mimalloc
/// makes it about a tenth faster than the system allocator (README, Speed).
/// It also replaces `malloc`/`free` (feature `override`): Oxigraph frees
/// RocksDB's C-allocated error messages through Rust's allocator, which
/// crashes when the two allocators differ (a locked store, a full disk).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let args = Cli::parse();
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let opts = |corpus: &std::path::Path| CorpusOptions {
        corpus: corpus.to_path_buf(),
        rules: args.rules.clone(),
        max_bytes: args.max_bytes,
    };
    let result = match &args.command {
        Command::Facts { corpus, out: dir } => app::facts(&opts(corpus), dir, &mut out),
        Command::Eval {
            corpus,
            gold,
            show_errors,
            by_rule,
        } => app::eval(&opts(corpus), gold, *show_errors, *by_rule, &mut out),
        Command::Build {
            corpus,
            store,
            turtle,
            examples,
        } => app::build(
            &opts(corpus),
            &store.location(),
            turtle.as_deref(),
            *examples,
            &mut out,
        ),
        Command::Query {
            name,
            list,
            params,
            format,
            queries,
            source,
        } => {
            let dir = queries
                .clone()
                .unwrap_or_else(socialgraf::query::CannedQuery::default_dir);
            match name {
                Some(name) if !list => app::query(
                    &dir,
                    &source.read_from(),
                    name,
                    params,
                    ResultsFormat::or_default(*format),
                    &mut out,
                ),
                _ => app::list_queries(&dir, &mut out),
            }
        }
        Command::Sparql {
            query,
            file,
            format,
            source,
        } => app::sparql(
            &source.read_from(),
            query.as_deref(),
            file.as_deref(),
            ResultsFormat::or_default(*format),
            &mut out,
        ),
        Command::Load { files, store } => app::load(&store.location(), files, &mut out),
        Command::Export {
            format,
            output,
            shard_quads,
            out: dir,
            store,
        } => match (shard_quads, dir) {
            (Some(n), Some(dir)) => {
                app::export_shards(&store.location(), format.format(), *n, dir, &mut out)
            }
            _ => app::export(
                &store.location(),
                format.format(),
                output.as_deref(),
                &mut out,
            ),
        },
        Command::Backup { target, store } => app::backup(&store.location(), target, &mut out),
        Command::Restore { backup, store } => app::restore(backup, &store.location(), &mut out),
        Command::Push {
            endpoint,
            graph,
            batch,
            attempts,
            token_file,
            store,
        } => app::push(
            &store.location(),
            endpoint,
            graph.as_deref(),
            *batch,
            *attempts,
            token_file.as_deref(),
            &mut out,
        ),
        Command::Serve {
            source,
            bind,
            timeout,
            max_rows,
            max_body,
            max_concurrent,
            max_connections,
            read_timeout,
            allow_update,
            token_file,
            queries,
        } => app::serve(
            &source.read_from(),
            app::ServeArgs {
                bind: *bind,
                timeout: *timeout,
                max_rows: *max_rows,
                max_body: *max_body,
                max_concurrent: *max_concurrent,
                max_connections: *max_connections,
                read_timeout: *read_timeout,
                allow_update: *allow_update,
                token_file: token_file.clone(),
                queries: queries.clone(),
                rules: args.rules.clone(),
            },
            &mut out,
        ),
        Command::Render {
            picture,
            output,
            options,
        } => {
            use crate::cli::RenderCommand as R;
            use socialgraf::app::RenderTask as T;
            let task = match picture {
                R::Map { problem } => T::Map {
                    problem: problem.clone(),
                },
                R::Heatmap => T::Heatmap,
                R::Network { view } => T::Network(view.view()),
            };
            app::render(
                &options.read_from(),
                args.rules.as_deref(),
                task,
                &options.settings(),
                output.as_deref(),
                &mut out,
            )
        }
        Command::Analyze {
            task,
            write,
            format,
            options,
        } => {
            use crate::cli::AnalyzeCommand as A;
            use socialgraf::app::AnalyzeTask as T;
            let task = task.as_ref().map(|t| match t {
                A::RecurringProblems => T::RecurringProblems,
                A::Communities { view } => T::Communities(view.view()),
                A::Centrality { view, top } => T::Centrality {
                    view: view.view(),
                    top: *top,
                },
                A::Edges { view } => T::Edges(view.view()),
            });
            if task.is_none() && !*write {
                Err(anyhow::anyhow!(
                    "say what to analyze (recurring-problems, communities, centrality, edges) or give --write"
                ))
            } else {
                app::analyze(
                    &options.read_from(),
                    args.rules.as_deref(),
                    task,
                    *write,
                    &options.settings(),
                    ResultsFormat::or_default(*format),
                    &mut out,
                )
            }
        }
        Command::Ontology { problems } => app::ontology(args.rules.as_deref(), problems, &mut out),
        Command::Bench {
            command:
                BenchCommand::Corpus {
                    docs,
                    out: dir,
                    seed,
                },
        } => app::bench_corpus(args.rules.as_deref(), *docs, dir, *seed, &mut out),
        Command::Bench {
            command:
                BenchCommand::Load {
                    url,
                    clients,
                    requests,
                    warm_up,
                    server_pid,
                },
        } => app::bench_load(
            &socialgraf::load::LoadOptions {
                url: url.clone(),
                clients: *clients,
                requests: *requests,
                warm_up: warm_up.unwrap_or(*requests / 10),
                server_pid: *server_pid,
            },
            &mut out,
        ),
    };
    match result {
        Ok(Status::Ok) => ExitCode::SUCCESS,
        Ok(Status::Skipped) => ExitCode::from(1),
        Err(err) => {
            let broken_pipe = err.chain().any(|e| {
                e.downcast_ref::<std::io::Error>()
                    .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
            });
            if broken_pipe {
                return ExitCode::SUCCESS;
            }
            eprintln!("socialgraf: {err:#}");
            ExitCode::from(2)
        }
    }
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    #[test]
    fn cli_is_well_formed() {
        crate::cli::Cli::command().debug_assert();
    }
}
