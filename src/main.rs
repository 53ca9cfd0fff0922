//! Command line: parse flags, build state, run — nothing else lives here.

use std::io::Write;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::{Args, Parser, Subcommand};
use incident_map::export::Format;
use incident_map::gazetteer::Gazetteer;
use incident_map::incidents::Filter;
use incident_map::AppState;

const DEFAULT_ADDR: &str = "127.0.0.1:8080";
const DEFAULT_DATA: &str = "./data";

/// Security incidents in Syria on a map: geocoded news reports served as GeoJSON, an API and a
/// MapLibre web map, with no internet needed.
#[derive(Parser)]
#[command(
    name = "incident-map",
    version,
    about,
    args_conflicts_with_subcommands = true
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    /// With no command, `serve` runs with these options.
    #[command(flatten)]
    serve: ServeArgs,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the web map and the API (the default command).
    Serve(ServeArgs),
    /// Look a place name up in the gazetteer (Arabic or Latin script) and print ranked candidates.
    Geocode(GeocodeArgs),
    /// Write the incidents that match the filters to stdout or a file.
    Export(ExportArgs),
    /// Read articles (text files, Arabic or English) and store the incidents they report,
    /// marked `extracted`, with their evidence printed as JSON.
    Ingest(IngestArgs),
    /// Compare extraction with hand-curated gold files and print the table.
    Eval(EvalArgs),
    /// Store incidents from GeoJSON, GeoJSON Lines or ACLED-style CSV files, by id: a new id is
    /// added, a known one replaced. A running service sees them after its next start.
    Import(ImportArgs),
    /// Copy the data directory's database to FILE, also while the service runs (a consistent
    /// snapshot of the last acknowledged write), and print how many incidents it holds.
    Backup(BackupArgs),
    /// Replace the data directory's database with a backup, after checking it; the service
    /// must be stopped.
    Restore(RestoreArgs),
}

#[derive(Args)]
struct DataArgs {
    /// Data directory holding the SQLite store; created and seeded on first use.
    #[arg(long, env = "INCIDENT_MAP_DATA", default_value = DEFAULT_DATA)]
    data: PathBuf,
}

#[derive(Args)]
struct ServeArgs {
    /// Address and port to listen on.
    #[arg(long, env = "INCIDENT_MAP_ADDR", default_value = DEFAULT_ADDR)]
    addr: SocketAddr,
    #[command(flatten)]
    data: DataArgs,
    /// Bearer token that allows writes (POST /api/articles, PATCH and DELETE of incidents);
    /// without one, writes are refused.
    #[arg(long, env = "INCIDENT_MAP_TOKEN", hide_env_values = true)]
    token: Option<String>,
    /// Refuse every write with 403, even with a valid token (the variable takes true/false,
    /// 1/0, yes/no, on/off).
    #[arg(long, env = "INCIDENT_MAP_READ_ONLY",
          value_parser = clap::builder::BoolishValueParser::new())]
    read_only: bool,
    /// Let pages of this origin (scheme://host[:port]) call the API, writes included (CORS);
    /// repeat it for more, or give `*` alone to let any origin read (GET, HEAD) but not write.
    /// Without it no CORS header is sent.
    #[arg(long, env = "INCIDENT_MAP_CORS_ORIGIN", value_delimiter = ',')]
    cors_origin: Vec<String>,
    /// Largest request body a route accepts unless it sets its own (bytes; K, M, G are
    /// binary units). POST /api/articles keeps its own: 1 MB of text, 6 MB as JSON.
    #[arg(long, env = "INCIDENT_MAP_MAX_BODY", default_value = "2M",
          value_parser = incident_map::http::limits::parse_size)]
    max_body: usize,
    /// Longest wait for a response to begin (e.g. 30s, 500ms, 2m); a download that has begun
    /// is not cut.
    #[arg(long, env = "INCIDENT_MAP_REQUEST_TIMEOUT", default_value = "30s",
          value_parser = incident_map::http::limits::parse_duration)]
    request_timeout: std::time::Duration,
    /// Exports sent at once; one more is answered 503 with Retry-After.
    #[arg(long, env = "INCIDENT_MAP_MAX_CONCURRENT_EXPORTS",
          default_value_t = incident_map::http::limits::DEFAULT_MAX_CONCURRENT_EXPORTS,
          value_parser = incident_map::http::limits::parse_count)]
    max_concurrent_exports: usize,
    /// Writes handled at once; one more is answered 503 with Retry-After.
    #[arg(long, env = "INCIDENT_MAP_MAX_CONCURRENT_WRITES",
          default_value_t = incident_map::http::limits::DEFAULT_MAX_CONCURRENT_WRITES,
          value_parser = incident_map::http::limits::parse_count)]
    max_concurrent_writes: usize,
    /// Most incidents in one export (GET /api/export); more is a 400 asking for a narrower
    /// filter.
    #[arg(long, env = "INCIDENT_MAP_MAX_EXPORT",
          default_value_t = incident_map::http::limits::DEFAULT_MAX_EXPORT,
          value_parser = incident_map::http::limits::parse_count)]
    max_export: usize,
}

#[derive(Args)]
struct GeocodeArgs {
    /// The place as written, e.g. "سراقب" or "Deir ez-Zor countryside".
    #[arg(required = true)]
    name: Vec<String>,
    /// Text around the place (a governorate or the city that "the city" refers to).
    #[arg(long)]
    context: Option<String>,
    /// How many candidates to print.
    #[arg(long, default_value_t = 5)]
    limit: usize,
}

#[derive(Args)]
struct ExportArgs {
    /// minLon,minLat,maxLon,maxLat in degrees (WGS84).
    #[arg(long, allow_hyphen_values = true)]
    bbox: Option<String>,
    /// A governorate id (idlib, aleppo, rif-dimashq, …; see /api/regions).
    #[arg(long)]
    region: Option<String>,
    /// A date, an RFC 3339 date-time, or an interval a/b with `..` for an open end.
    #[arg(long)]
    datetime: Option<String>,
    /// ACLED event types, comma-separated (e.g. "Battles,Strategic developments").
    #[arg(long)]
    event_type: Option<String>,
    /// curated, extracted or both (comma-separated).
    #[arg(long)]
    review: Option<String>,
    /// Governorates as stored (English or Arabic), comma-separated.
    #[arg(long)]
    admin1: Option<String>,
    /// actor1 values as stored, comma-separated.
    #[arg(long)]
    actor1: Option<String>,
    /// At most this many incidents.
    #[arg(long)]
    limit: Option<String>,
    /// Output format: geojson, geojsonl, csv, gpkg or fgb.
    #[arg(long, default_value = "geojson")]
    format: String,
    /// Output file; stdout when absent.
    #[arg(short, long)]
    output: Option<PathBuf>,
    #[command(flatten)]
    data: DataArgs,
}

#[derive(Args)]
struct IngestArgs {
    /// Article text files (UTF-8, at most 1 MB each).
    #[arg(required = true)]
    files: Vec<PathBuf>,
    /// Publication date (YYYY-MM-DD): the year of dates written without one, and the day
    /// "yesterday" counts from.
    #[arg(long)]
    published: Option<String>,
    /// Outlet or title recorded as each incident's source (default: the file name).
    #[arg(long)]
    source: Option<String>,
    #[command(flatten)]
    data: DataArgs,
}

#[derive(Args)]
struct EvalArgs {
    /// Gold files in the format of seeds/incidents.toml, each naming its article in
    /// `[source] file` (read next to the gold file). Without any: the compiled-in seed and
    /// evaluation reports.
    gold: Vec<PathBuf>,
}

#[derive(Args)]
struct ImportArgs {
    /// Files to read: .geojson/.json, .geojsonl/.geojsons/.jsonl/.ndjson or .csv.
    #[arg(required = true)]
    files: Vec<PathBuf>,
    /// The format of every file: geojson, geojsonl or csv (default: by file extension).
    #[arg(long)]
    format: Option<String>,
    /// Refuse a file with any invalid row: nothing of it is stored, and the command stops with
    /// exit code 2. Each file is read twice (checked, then stored).
    #[arg(long)]
    strict: bool,
    /// Rows per transaction; each batch is stored whole or not at all.
    #[arg(long, default_value_t = 50_000)]
    batch: usize,
    #[command(flatten)]
    data: DataArgs,
}

#[derive(Args)]
struct BackupArgs {
    /// The backup file to write (a single SQLite file).
    file: PathBuf,
    /// Replace FILE if it exists.
    #[arg(long)]
    force: bool,
    #[command(flatten)]
    data: DataArgs,
}

#[derive(Args)]
struct RestoreArgs {
    /// A file written by `incident-map backup`.
    file: PathBuf,
    /// Replace the data directory's database if it has one.
    #[arg(long)]
    force: bool,
    #[command(flatten)]
    data: DataArgs,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "incident_map=info,tower_http=info".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let result = match cli.command.unwrap_or(Command::Serve(cli.serve)) {
        Command::Serve(a) => serve(a),
        Command::Geocode(a) => geocode(a),
        Command::Export(a) => export(a),
        Command::Ingest(a) => ingest(a),
        Command::Eval(a) => eval(a),
        Command::Import(a) => import(a),
        Command::Backup(a) => backup(a),
        Command::Restore(a) => restore(a),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(2)
        }
    }
}

fn serve(args: ServeArgs) -> anyhow::Result<ExitCode> {
    let options = incident_map::http::Options {
        limits: incident_map::http::Limits {
            max_body: args.max_body,
            request_timeout: args.request_timeout,
            max_concurrent_exports: args.max_concurrent_exports,
            max_concurrent_writes: args.max_concurrent_writes,
            max_export: args.max_export,
        },
        read_only: args.read_only,
        cors: incident_map::http::Cors::from_origins(&args.cors_origin)
            .map_err(|e| anyhow::anyhow!("--cors-origin: {e}"))?,
    };
    let state = AppState::open(&args.data.data)
        .with_context(|| format!("opening data directory {}", args.data.data.display()))?
        .with_token(args.token);
    let writes = if options.read_only {
        "disabled (--read-only)"
    } else if state.writes_enabled() {
        "enabled (bearer token set)"
    } else {
        "disabled (no token)"
    };
    let runtime = tokio::runtime::Runtime::new().context("starting the runtime")?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(args.addr)
            .await
            .with_context(|| format!("binding {}", args.addr))?;
        let addr = listener.local_addr()?;
        let l = &options.limits;
        eprintln!(
            "incident-map: limits: body {} bytes, request timeout {:?}, {} exports and {} \
             writes at once, {} incidents per export; CORS {:?}",
            l.max_body,
            l.request_timeout,
            l.max_concurrent_exports,
            l.max_concurrent_writes,
            l.max_export,
            options.cors
        );
        eprintln!(
            "incident-map: {} incidents, writes {writes}, listening on http://{addr}/",
            state.catalog().len()
        );
        axum::serve(listener, incident_map::http::app_with(state, &options))
            .with_graceful_shutdown(shutdown_signal())
            .await
            .context("serving")?;
        Ok(ExitCode::SUCCESS)
    })
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
}

fn geocode(args: GeocodeArgs) -> anyhow::Result<ExitCode> {
    let gazetteer = Gazetteer::embedded().context("loading the gazetteer")?;
    let query = args.name.join(" ");
    if query.trim().is_empty() {
        anyhow::bail!("the place name is empty");
    }
    let candidates = gazetteer.geocode(&query, args.context.as_deref(), args.limit.max(1));
    if candidates.is_empty() {
        eprintln!("unresolved: no gazetteer entry matches {query:?}");
        return Ok(ExitCode::from(1));
    }
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "score\tprecision\tplace_id\tname\tname_ar\tadmin1\tlon\tlat\tmatched"
    )?;
    for c in candidates {
        writeln!(
            out,
            "{:.3}\t{}\t{}\t{}\t{}\t{}\t{:.6}\t{:.6}\t{}",
            c.score,
            c.geo_precision,
            c.place.id,
            c.place.name,
            c.place.name_ar.as_deref().unwrap_or(""),
            c.region.map(|r| r.name.as_str()).unwrap_or(""),
            c.place.lon,
            c.place.lat,
            c.matched_name
        )?;
    }
    Ok(ExitCode::SUCCESS)
}

fn export(args: ExportArgs) -> anyhow::Result<ExitCode> {
    let format = Format::parse(&args.format).map_err(|e| anyhow::anyhow!("--format: {e}"))?;
    let mut pairs = Vec::new();
    for (key, value) in [
        ("bbox", args.bbox),
        ("region", args.region),
        ("datetime", args.datetime),
        ("event_type", args.event_type),
        ("review", args.review),
        ("admin1", args.admin1),
        ("actor1", args.actor1),
        ("limit", args.limit),
    ] {
        if let Some(v) = value {
            pairs.push((key.to_string(), v));
        }
    }
    let state = AppState::open(&args.data.data)
        .with_context(|| format!("opening data directory {}", args.data.data.display()))?;
    let filter = Filter::parse(&pairs, state.gazetteer(), &[])
        .map_err(|e| anyhow::anyhow!("--{}: {}", e.param.replace('_', "-"), e.detail))?;
    let catalog = state.catalog();
    let matched = filter.select(&catalog, state.gazetteer());
    let positions = filter.page(&matched, None);
    let write = |w: &mut dyn Write| -> anyhow::Result<()> {
        let mut w = std::io::BufWriter::new(w);
        incident_map::export::write(format, &mut w, &catalog, "incidents", positions)?;
        Ok(w.flush()?)
    };
    match &args.output {
        Some(path) => {
            let mut file = std::fs::File::create(path)
                .with_context(|| format!("creating {}", path.display()))?;
            write(&mut file).with_context(|| format!("writing {}", path.display()))?;
            eprintln!("wrote {} incidents to {}", positions.len(), path.display());
        }
        None => write(&mut std::io::stdout().lock()).context("writing to stdout")?,
    }
    Ok(ExitCode::SUCCESS)
}

fn ingest(args: IngestArgs) -> anyhow::Result<ExitCode> {
    use incident_map::extract::ingest::ArticleInput;
    let published = args
        .published
        .as_deref()
        .map(|p| {
            chrono::NaiveDate::parse_from_str(p, "%Y-%m-%d")
                .map_err(|e| anyhow::anyhow!("--published {p:?}: {e}; expected YYYY-MM-DD"))
        })
        .transpose()?;
    let mut inputs = Vec::new();
    for path in &args.files {
        let bytes = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
        let text = String::from_utf8(bytes)
            .map_err(|e| anyhow::anyhow!("{}: not UTF-8 text ({e})", path.display()))?;
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        inputs.push(ArticleInput {
            title: None,
            source: Some(args.source.clone().unwrap_or(name)),
            url: None,
            published,
            text,
        });
    }
    let state = AppState::open(&args.data.data)
        .with_context(|| format!("opening data directory {}", args.data.data.display()))?;
    let mut out = std::io::stdout().lock();
    for (path, input) in args.files.iter().zip(inputs) {
        let answer = state
            .ingest(input)
            .map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
        let stored = answer
            .incidents
            .iter()
            .filter(|i| i.status == "stored")
            .count();
        eprintln!(
            "{}: article {}{}: {} incidents proposed, {stored} stored, {} likely duplicates",
            path.display(),
            &answer.article.id[..12],
            if answer.article.new {
                ""
            } else {
                " (ingested before, nothing new)"
            },
            answer.incidents.len(),
            answer.incidents.len() - stored,
        );
        serde_json::to_writer_pretty(&mut out, &answer)?;
        writeln!(out)?;
    }
    Ok(ExitCode::SUCCESS)
}

fn eval(args: EvalArgs) -> anyhow::Result<ExitCode> {
    use incident_map::extract::{eval, Extractor};
    let gazetteer = Gazetteer::embedded().context("loading the gazetteer")?;
    let cases = if args.gold.is_empty() {
        eval::builtin(&gazetteer).map_err(anyhow::Error::msg)?
    } else {
        let mut cases = Vec::new();
        for gold in &args.gold {
            let text = std::fs::read_to_string(gold)
                .with_context(|| format!("reading {}", gold.display()))?;
            let file: toml::Value =
                toml::from_str(&text).with_context(|| format!("parsing {}", gold.display()))?;
            let article_name = file
                .get("source")
                .and_then(|s| s.get("file"))
                .and_then(|f| f.as_str())
                .with_context(|| format!("{}: [source] file is missing", gold.display()))?;
            let article_path = gold.with_file_name(article_name);
            let article = std::fs::read_to_string(&article_path)
                .with_context(|| format!("reading {}", article_path.display()))?;
            let name = article_path.display().to_string();
            cases.push(eval::case(&name, &article, &text, &gazetteer).map_err(anyhow::Error::msg)?);
        }
        cases
    };
    let extractor = Extractor::new(&gazetteer);
    let started = std::time::Instant::now();
    let reports: Vec<_> = cases
        .iter()
        .map(|c| eval::evaluate(&extractor, &gazetteer, c))
        .collect();
    print!("{}", eval::table(&reports));
    eprintln!(
        "extraction of {} articles took {:.1?}",
        cases.len(),
        started.elapsed()
    );
    Ok(ExitCode::SUCCESS)
}

/// A byte-progress bar on a terminal (rate and ETA); hidden when stderr is not one.
fn progress_bar(len: u64, label: &str) -> indicatif::ProgressBar {
    use std::io::IsTerminal;
    if !std::io::stderr().is_terminal() {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::new(len);
    let style = indicatif::ProgressStyle::with_template(
        "{msg} [{bar:30}] {bytes}/{total_bytes} {binary_bytes_per_sec} ETA {eta}",
    )
    .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
    .progress_chars("=> ");
    bar.set_style(style);
    bar.set_message(label.to_string());
    bar
}

fn import(args: ImportArgs) -> anyhow::Result<ExitCode> {
    use incident_map::import::{self, InputFormat, Summary};
    use incident_map::incidents::Store;
    use std::io::BufReader;

    let forced = args
        .format
        .as_deref()
        .map(InputFormat::parse)
        .transpose()
        .map_err(|e| anyhow::anyhow!("--format: {e}"))?;
    if args.batch == 0 {
        anyhow::bail!("--batch must be at least 1");
    }
    let mut formats = Vec::new();
    for path in &args.files {
        let format = forced
            .or_else(|| InputFormat::from_path(path))
            .with_context(|| {
                format!(
                    "{}: unknown extension; name the format with --format geojson|geojsonl|csv",
                    path.display()
                )
            })?;
        formats.push(format);
    }
    let gazetteer = Gazetteer::embedded().context("loading the gazetteer")?;
    let mut store = Store::open(&args.data.data)
        .with_context(|| format!("opening data directory {}", args.data.data.display()))?;
    // a new data directory gets the curated seed first, as every command gives it
    {
        use incident_map::incidents::seed;
        if store.meta(seed::SEED_META_KEY)?.is_none() {
            let incidents = seed::load(seed::SEED_TOML, &gazetteer)?;
            store.upsert(&incidents, &[(seed::SEED_META_KEY, "imported")])?;
        }
    }
    let open = |path: &PathBuf, label: &str| -> anyhow::Result<_> {
        let file =
            std::fs::File::open(path).with_context(|| format!("reading {}", path.display()))?;
        let len = file.metadata().map(|m| m.len()).unwrap_or(0);
        let bar = progress_bar(len, label);
        let reader = BufReader::with_capacity(1 << 18, bar.wrap_read(file));
        Ok((reader, bar))
    };
    let started = std::time::Instant::now();
    let mut total = Summary::default();
    let mut failed = false;
    for (path, format) in args.files.iter().zip(formats) {
        let name = path.display().to_string();
        if args.strict {
            // check the whole file first: nothing of it is stored unless every row is valid
            let (reader, bar) = match open(path, "checking") {
                Ok(r) => r,
                Err(e) => {
                    eprintln!("error: {e:#}");
                    return Ok(ExitCode::from(2));
                }
            };
            let first_error = import::read(format, reader, &gazetteer).find_map(Result::err);
            bar.finish_and_clear();
            if let Some(e) = first_error {
                eprintln!("{name}: {e}");
                eprintln!("{name}: invalid (--strict): nothing of it stored");
                return Ok(ExitCode::from(2));
            }
        }
        let (reader, bar) = match open(path, "importing") {
            Ok(r) => r,
            Err(e) => {
                eprintln!("error: {e:#}");
                failed = true;
                continue;
            }
        };
        let file_started = std::time::Instant::now();
        let mut broken = false;
        let summary = import::store_rows(
            import::read(format, reader, &gazetteer),
            &mut store,
            args.batch,
            |e| {
                broken |= e.fatal;
                bar.suspend(|| eprintln!("{name}: {e}"));
            },
        )
        .with_context(|| format!("{name}: storing"))?;
        bar.finish_and_clear();
        if broken {
            eprintln!(
                "{name}: not readable to the end as {}; the rows before the error are stored",
                format.name()
            );
            failed = true;
        }
        if args.files.len() > 1 {
            eprintln!("{name}: {}", summary_line(&summary, file_started.elapsed()));
        }
        total += summary;
    }
    eprintln!("{}", summary_line(&total, started.elapsed()));
    Ok(if failed {
        ExitCode::from(2)
    } else {
        ExitCode::SUCCESS
    })
}

fn summary_line(s: &incident_map::import::Summary, elapsed: std::time::Duration) -> String {
    let secs = elapsed.as_secs_f64();
    format!(
        "{} rows read, {} inserted, {} updated, {} invalid in {secs:.1} s ({:.0} rows/s)",
        s.read,
        s.inserted,
        s.updated,
        s.invalid,
        s.read as f64 / secs.max(1e-9)
    )
}

fn backup(args: BackupArgs) -> anyhow::Result<ExitCode> {
    let s = incident_map::incidents::backup::backup(&args.data.data, &args.file, args.force)?;
    println!(
        "backed up {} incidents ({} articles, {} bytes) to {}",
        s.incidents,
        s.articles,
        s.bytes,
        args.file.display()
    );
    Ok(ExitCode::SUCCESS)
}

fn restore(args: RestoreArgs) -> anyhow::Result<ExitCode> {
    let s = incident_map::incidents::backup::restore(&args.file, &args.data.data, args.force)?;
    println!(
        "restored {} incidents ({} articles) from {} into {}",
        s.incidents,
        s.articles,
        args.file.display(),
        args.data.data.display()
    );
    Ok(ExitCode::SUCCESS)
}
