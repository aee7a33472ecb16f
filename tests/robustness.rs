//! No input makes extraction panic: arbitrary bytes go through decoding,
//! normalisation, sentence splitting, the rules and the RDF mapping (the
//! checks of `socialgraf::invariants`, which the fuzz targets of `fuzz/`
//! also run), and so does every input the fuzzers found
//! (`fuzz/regressions/`). And a corpus of bad files mixed with good ones
//! goes through the commands: each bad file is named with its problem, the
//! good ones are processed.

use std::sync::LazyLock;

use proptest::prelude::*;
use socialgraf::extract::Extractor;
use socialgraf::rules::Rules;

static RULES: LazyLock<Rules> = LazyLock::new(|| Rules::load_default().expect("rules load"));

fn whole_path(bytes: Vec<u8>) {
    socialgraf::invariants::extraction(&Extractor::new(&RULES), &bytes);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..2000)) {
        whole_path(bytes);
    }

    #[test]
    fn arbitrary_swedish_like_text_never_panics(s in "[A-ZÅÄÖa-zåäö \\n,.:;!?\"–\u{00AD}\u{0308}-]{0,600}") {
        whole_path(s.into_bytes());
    }
}

#[test]
fn tricky_fragments_never_panic() {
    for s in [
        "-",
        "-\n",
        "a-\n",
        "a-\n\n\n",
        "\u{0308}",
        "Å\u{030A}",
        "Anna Ek, socialchef i",
        ".",
        "\r",
        "Foto:",
        "Karita:",
        "\u{FEFF}",
    ] {
        whole_path(s.as_bytes().to_vec());
    }
}

/// See: issue #7, "Fuzz targets". Each input a fuzz target found a bug
/// with, kept in `fuzz/regressions/TARGET/`, passes that target's checks
/// now (dot files, such as the `.keep` of an empty folder, are not inputs).
#[test]
fn fuzz_regressions_pass() {
    let extractor = Extractor::new(&RULES);
    type Check<'a> = &'a dyn Fn(&[u8]);
    let targets: [(&str, Check); 3] = [
        ("extraction", &|b| {
            socialgraf::invariants::extraction(&extractor, b)
        }),
        ("facts_tsv", &socialgraf::invariants::facts_tsv),
        ("turtle", &socialgraf::invariants::turtle),
    ];
    let root = super::util::root().join("fuzz/regressions");
    for (target, check) in targets {
        let dir = root.join(target);
        let mut files: Vec<_> = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("reading {}: {e}", dir.display()))
            .map(|e| e.expect("a folder entry").path())
            .filter(|p| {
                p.file_name()
                    .is_some_and(|n| !n.to_string_lossy().starts_with('.'))
            })
            .collect();
        files.sort();
        for file in files {
            let bytes = std::fs::read(&file).expect("a regression input reads");
            let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| check(&bytes)));
            assert!(
                outcome.is_ok(),
                "{} fails {target}'s checks again",
                file.display()
            );
        }
    }
}

/// The seed with this stem, as text.
fn seed(stem: &str) -> String {
    std::fs::read_to_string(super::util::root().join(format!("corpus/seeds/{stem}.txt")))
        .expect("seed reads")
}

/// `text` as UTF-16 with a byte order mark.
fn utf16(text: &str, big_endian: bool) -> Vec<u8> {
    let mut out = if big_endian {
        vec![0xFE, 0xFF]
    } else {
        vec![0xFF, 0xFE]
    };
    for u in text.encode_utf16() {
        out.extend(if big_endian {
            u.to_be_bytes()
        } else {
            u.to_le_bytes()
        });
    }
    out
}

/// `text` in Windows-1252 (only the characters the seeds use beyond Latin-1).
fn windows_1252(text: &str) -> Vec<u8> {
    text.chars()
        .map(|c| match c {
            '–' => 0x96,
            '—' => 0x97,
            '“' => 0x93,
            '”' => 0x94,
            '’' => 0x92,
            '•' => 0x95,
            c => u8::try_from(u32::from(c)).expect("a Latin-1 character"),
        })
        .collect()
}

/// See: issue #7, "Bad input". Every kind of bad file in one corpus with
/// good ones: each bad file is named once on stderr with its problem, files
/// whose encoding is certain are decoded with a note, the good files'
/// facts are written, `facts` and `build` exit 1, and nothing panics.
#[cfg(unix)]
#[test]
fn bad_files_are_named_and_good_ones_processed() {
    use std::fs;
    use std::io::Write;
    use std::os::unix::fs::{PermissionsExt, symlink};

    use super::util::{root, run, stderr};

    let tmp = tempfile::tempdir().expect("temp dir");
    let corpus = tmp.path().join("corpus");
    fs::create_dir_all(corpus.join("sub")).expect("mkdir");
    let write = |name: &str, bytes: &[u8]| fs::write(corpus.join(name), bytes).expect("write");

    // Good files.
    let s003 = seed("003_c2c92928c4fea111");
    let s001 = seed("001_b47769caa7d1fc97");
    let s002 = seed("002_a95eb78a26b556fb");
    write("good.txt", s003.as_bytes());
    write("sub/nested.txt", s003.as_bytes());
    write("reference.txt", s001.as_bytes());
    write("lf.txt", s002.as_bytes());
    // Decoded: UTF-16 with a BOM, Windows-1252; CRLF is kept as it is.
    write("utf16le.txt", &utf16(&s001, false));
    write("utf16be.txt", &utf16(&s001, true));
    write("cp1252.txt", &windows_1252(&s001));
    write("crlf.txt", s002.replace('\n', "\r\n").as_bytes());
    // Bad files.
    write("bad_utf8.txt", b"Anna Ek \xe4r socialchef \x81 i Mora.");
    write("bad_utf16.txt", &[0xFF, 0xFE, b'a', 0, 0x00, 0xDC]);
    write("nul.txt", b"Anna Ek \0 socialchef i Mora kommun.");
    write("empty.txt", b"");
    symlink("loop_b.txt", corpus.join("loop_a.txt")).expect("symlink");
    symlink("loop_a.txt", corpus.join("loop_b.txt")).expect("symlink");
    symlink("..", corpus.join("sub/parent_link")).expect("symlink");
    let fifo = corpus.join("fifo.txt");
    let have_fifo = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .is_ok_and(|s| s.success());
    if !have_fifo {
        eprintln!("note: mkfifo failed; the FIFO case is not checked");
    }
    // 200 MB on one line, written a MiB at a time.
    {
        let mut f = fs::File::create(corpus.join("huge.txt")).expect("create");
        let chunk = "Text om socialtjänsten i Mora kommun. ".repeat(1 << 20 >> 5);
        for _ in 0..(200 << 20) / chunk.len() + 1 {
            f.write_all(chunk.as_bytes()).expect("write");
        }
    }
    let locked = corpus.join("locked.txt");
    let locked_dir = corpus.join("locked_dir");
    fs::create_dir(&locked_dir).expect("mkdir");
    fs::write(locked_dir.join("inner.txt"), &s003).expect("write");
    write("locked.txt", s003.as_bytes());
    fs::set_permissions(&locked, fs::Permissions::from_mode(0o000)).expect("chmod");
    fs::set_permissions(&locked_dir, fs::Permissions::from_mode(0o000)).expect("chmod");
    // Root reads anything (CI runs as root): then the commands run without
    // the capabilities that bypass permissions (CAP_DAC_OVERRIDE and
    // CAP_DAC_READ_SEARCH, dropped from the bounding set by util-linux's
    // setpriv before exec), still as uid 0, owner of every file here.
    let as_root = !(fs::read(&locked).is_err() && fs::read_dir(&locked_dir).is_err());
    let without_dac = ["setpriv", "--bounding-set=-dac_override,-dac_read_search"];
    let denied_without_dac = || {
        std::process::Command::new(without_dac[0])
            .args(&without_dac[1..])
            .arg("cat")
            .arg(&locked)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .status()
            .is_ok_and(|s| !s.success())
    };
    let prefix: &[&str] = if as_root && denied_without_dac() {
        &without_dac
    } else {
        &[]
    };
    let permissions_hold = !as_root || !prefix.is_empty();
    if !permissions_hold {
        eprintln!(
            "note: running as root without setpriv; the unreadable file and folder are not checked"
        );
    }
    let run = |cwd: &std::path::Path, args: &[&str]| match prefix.split_first() {
        None => run(cwd, args),
        Some((program, options)) => std::process::Command::new(program)
            .args(options)
            .arg(env!("CARGO_BIN_EXE_socialgraf"))
            .args(args)
            .current_dir(cwd)
            .output()
            .expect("setpriv runs socialgraf"),
    };

    let mut bad = vec![
        (
            "bad_utf8.txt",
            "is not valid UTF-8 (first bad byte at offset 8)",
        ),
        (
            "bad_utf16.txt",
            "is not valid UTF-16 after its byte order mark (bad code unit at byte offset 4)",
        ),
        ("nul.txt", "is a binary file"),
        ("empty.txt", "is empty"),
        ("loop_a.txt", "is a symlink loop"),
        ("loop_b.txt", "is a symlink loop"),
        ("parent_link", "is a symlink loop"),
        ("huge.txt", "is too large ("),
    ];
    if have_fifo {
        bad.push(("fifo.txt", "is not a regular file"));
    }
    if permissions_hold {
        bad.push(("locked.txt", "cannot be read: permission denied"));
        bad.push(("locked_dir", "cannot read folder: permission denied"));
    }
    let decoded = [
        ("utf16le.txt", "decoded as UTF-16LE"),
        ("utf16be.txt", "decoded as UTF-16BE"),
        ("cp1252.txt", "decoded as Windows-1252"),
    ];
    let check_stderr = |command: &str, err: &str| {
        assert!(!err.contains("panicked"), "{command}: {err}");
        for (name, problem) in &bad {
            let lines: Vec<&str> = err.lines().filter(|l| l.contains(name)).collect();
            assert_eq!(lines.len(), 1, "{command}: {name} named once: {err}");
            assert!(
                lines[0].starts_with("socialgraf: skipped ")
                    && lines[0].contains(&format!("{name}: {problem}")),
                "{command}: {name}: {problem}: {err}"
            );
        }
        for (name, note) in &decoded {
            let want = format!("socialgraf: note: {}: {note}", corpus.join(name).display());
            assert_eq!(
                err.lines().filter(|l| *l == want).count(),
                1,
                "{command}: {want}: {err}"
            );
        }
        for name in [
            "good.txt",
            "nested.txt",
            "reference.txt",
            "lf.txt",
            "crlf.txt",
        ] {
            assert!(!err.contains(name), "{command}: {name} is fine: {err}");
        }
    };

    let out = tmp.path().join("out");
    let corpus_arg = corpus.to_str().expect("utf-8");
    let o = run(
        &root(),
        &["facts", corpus_arg, "--out", out.to_str().expect("utf-8")],
    );
    assert_eq!(o.status.code(), Some(1), "facts: {}", stderr(&o));
    check_stderr("facts", &stderr(&o));
    let tsv = |stem: &str| {
        fs::read_to_string(out.join(format!("{stem}.tsv")))
            .unwrap_or_else(|e| panic!("{stem}.tsv: {e}"))
    };
    assert!(
        tsv("good").contains("membership\tEva Leijon\tenhetschef\t"),
        "{}",
        tsv("good")
    );
    assert_eq!(tsv("nested"), tsv("good"));
    let reference = tsv("reference");
    assert!(reference.lines().count() > 1, "{reference}");
    for stem in ["utf16le", "utf16be", "cp1252"] {
        assert_eq!(tsv(stem), reference, "{stem}");
    }
    assert!(tsv("lf").lines().count() > 1);
    assert_eq!(tsv("crlf"), tsv("lf"));

    let o = run(&root(), &["build", corpus_arg, "--memory"]);
    assert_eq!(o.status.code(), Some(1), "build: {}", stderr(&o));
    check_stderr("build", &stderr(&o));

    // Spans are code points into each file's decoded text, CR counted:
    // the CRLF file's span is the LF file's with the CRs, and its text
    // normalises to the evidence.
    let corpus_run = socialgraf::run_corpus(&corpus, &RULES, socialgraf::corpus::DEFAULT_MAX_BYTES)
        .expect("the corpus runs");
    let doc = |id: &str| {
        let i = corpus_run
            .docs
            .iter()
            .position(|d| d.id == id)
            .unwrap_or_else(|| panic!("{id} was read"));
        (&corpus_run.docs[i], &corpus_run.extractions[i].facts)
    };
    let (lf, lf_facts) = doc("lf");
    let (crlf, crlf_facts) = doc("crlf");
    assert_eq!(lf_facts.len(), crlf_facts.len());
    let span = |text: &str, start: usize, end: usize| -> String {
        text.chars().skip(start).take(end - start).collect()
    };
    for (a, b) in lf_facts.iter().zip(crlf_facts) {
        assert_eq!(a.evidence, b.evidence);
        let in_crlf = span(&crlf.text, b.start, b.end);
        assert!(in_crlf.contains("\r\n") || !span(&lf.text, a.start, a.end).contains('\n'));
        assert_eq!(in_crlf.replace('\r', ""), span(&lf.text, a.start, a.end));
        let normalised = socialgraf::text::Text::new(&in_crlf).norm;
        assert_eq!(
            socialgraf::text::one_line(&normalised),
            b.evidence,
            "{in_crlf:?}"
        );
    }
    // The UTF-16 document's spans are those of the UTF-8 one.
    let (_, utf8_facts) = doc("reference");
    let (_, utf16_facts) = doc("utf16be");
    let spans = |facts: &[socialgraf::facts::Fact]| -> Vec<(usize, usize, String)> {
        facts
            .iter()
            .map(|f| (f.start, f.end, f.evidence.clone()))
            .collect()
    };
    assert_eq!(spans(utf8_facts), spans(utf16_facts));

    // Let the temp dir be removed.
    fs::set_permissions(&locked_dir, fs::Permissions::from_mode(0o755)).expect("chmod");
    fs::set_permissions(&locked, fs::Permissions::from_mode(0o644)).expect("chmod");
}
