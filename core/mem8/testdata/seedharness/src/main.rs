//! seedharness: a command-line driver for the MEM8 seed code
//! (mem8_binary.rs, shared/seeds/001), used by core/mem8/interop_test.go to
//! check that polyfmt and the seed read each other's files.
//!
//! Every subcommand prints one JSON document on stdout; errors go to stderr
//! with a non-zero exit status. A <spec> argument is a JSON array
//! [{"content": "text", "importance": 0.8}, ...] given inline or as @file;
//! "content_hex" may replace "content" for bytes that are not UTF-8.
//!
//!   write <path> <spec>              create <path> and append the blocks
//!   write-query <path> <spec> <kw>   the same, then read_by_importance in the
//!                                    same session (where the seed's index is
//!                                    wrong) and print what it returned
//!   append <path> <spec>             open an existing file and append
//!   read <path>                      every block via read_backwards, newest first
//!   query <path> <kw>...             reopen and run read_by_importance
//!   convert <json-in> <m8-out>       convert_json_to_binary
//!   bench-append <path> <n>          append n blocks of about 100 bytes, timed

#[allow(dead_code)]
mod mem8_binary;

use anyhow::{anyhow, bail, Context, Result};
use mem8_binary::{convert_json_to_binary, M8BinaryFile, M8Block, TokenMap};
use serde_json::{json, Value};
use std::path::Path;
use std::time::Instant;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args) {
        Ok(v) => println!("{}", v),
        Err(e) => {
            eprintln!("seedharness: {:#}", e);
            std::process::exit(1);
        }
    }
}

fn run(args: &[String]) -> Result<Value> {
    let a: Vec<&str> = args.iter().map(|s| s.as_str()).collect();
    match a.as_slice() {
        ["write", path, spec] => {
            let mut f = M8BinaryFile::create(path)?;
            let n = append_spec(&mut f, spec)?;
            Ok(json!({ "appended": n }))
        }
        ["write-query", path, spec, kw] => {
            let mut f = M8BinaryFile::create(path)?;
            let n = append_spec(&mut f, spec)?;
            let got = f.read_by_importance(&[kw.to_string()])?;
            Ok(json!({ "appended": n, "query": got.iter().map(record).collect::<Vec<_>>() }))
        }
        ["append", path, spec] => {
            let mut f = M8BinaryFile::open(path)?;
            let n = append_spec(&mut f, spec)?;
            Ok(json!({ "appended": n }))
        }
        ["read", path] => {
            let mut f = M8BinaryFile::open(path)?;
            let mut out = Vec::new();
            while let Some(b) = f.read_backwards()? {
                out.push(record(&b));
            }
            Ok(Value::Array(out))
        }
        ["query", path, kws @ ..] => {
            let mut f = M8BinaryFile::open(path)?;
            let kws: Vec<String> = kws.iter().map(|s| s.to_string()).collect();
            let got = f.read_by_importance(&kws)?;
            Ok(Value::Array(got.iter().map(record).collect()))
        }
        ["convert", input, output] => {
            convert_json_to_binary(Path::new(input), Path::new(output))?;
            Ok(json!({ "converted": output }))
        }
        ["bench-append", path, n] => {
            let n: u64 = n.parse().context("n")?;
            let mut f = M8BinaryFile::create(path)?;
            let start = Instant::now();
            for i in 0..n {
                let content = format!(
                    "bench block {:08} lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tem",
                    i
                );
                f.append_block(content.as_bytes(), (i % 100) as f32 / 100.0)?;
            }
            let secs = start.elapsed().as_secs_f64();
            Ok(json!({ "n": n, "seconds": secs, "blocks_per_sec": n as f64 / secs }))
        }
        _ => bail!(
            "usage: seedharness write|write-query|append|read|query|convert|bench-append ... (got {:?})",
            args
        ),
    }
}

/// Appends the blocks of a spec; returns how many.
fn append_spec(f: &mut M8BinaryFile, spec: &str) -> Result<usize> {
    let text = match spec.strip_prefix('@') {
        Some(file) => std::fs::read_to_string(file).with_context(|| format!("read {}", file))?,
        None => spec.to_string(),
    };
    let v: Value = serde_json::from_str(&text).context("spec is not JSON")?;
    let items = v.as_array().ok_or_else(|| anyhow!("spec must be a JSON array"))?;
    for (i, item) in items.iter().enumerate() {
        let content = match (item.get("content"), item.get("content_hex")) {
            (Some(Value::String(s)), None) => s.as_bytes().to_vec(),
            (None, Some(Value::String(h))) => from_hex(h).with_context(|| format!("spec[{}].content_hex", i))?,
            _ => bail!("spec[{}]: give exactly one of content or content_hex, as a string", i),
        };
        let importance = item
            .get("importance")
            .and_then(Value::as_f64)
            .ok_or_else(|| anyhow!("spec[{}]: importance must be a number", i))? as f32;
        f.append_block(&content, importance)?;
    }
    Ok(items.len())
}

fn record(b: &M8Block) -> Value {
    let reserved = TokenMap::new();
    json!({
        "index": b.index,
        "timestamp": b.timestamp,
        "importance": b.importance,
        "token_id": b.token_id,
        "token_reserved": reserved.decode_token(b.token_id),
        "wave_signature": to_hex(&b.wave_signature),
        "prev_hash": to_hex(&b.prev_hash),
        "content_len": b.content_len,
        "content": String::from_utf8_lossy(&b.content),
        "content_hex": to_hex(&b.content),
    })
}

fn to_hex(b: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(2 * b.len());
    for &x in b {
        s.push(DIGITS[(x >> 4) as usize] as char);
        s.push(DIGITS[(x & 15) as usize] as char);
    }
    s
}

fn from_hex(s: &str) -> Result<Vec<u8>> {
    if s.len() % 2 != 0 {
        bail!("odd length");
    }
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).map_err(|e| anyhow!("{}", e)))
        .collect()
}
