//! polyfmt's command-line bridge to the `pathmap` crate (0.3.5).
//!
//! Every input and output is a file. Path lists use polyfmt's record
//! format: repeated (u32 LE length, path bytes, u64 LE value).
//!
//!   write-paths IN OUT      serialize_paths of IN's paths -> OUT (.paths)
//!   read-paths  IN OUT      for_each_deserialized_path of IN (.paths) -> OUT records, value 0
//!   write-act   IN OUT      ArenaCompactTree::from_zipper of a PathMap<u64> of IN -> OUT
//!   read-act    IN OUT      open_mmap(IN), iter() -> OUT records
//!   get-act     IN KEYS OUT get_val_at for each key of KEYS; OUT is, per key,
//!                           one byte (1 found, 0 not) then the u64 LE value (0 if not found)
//!   bench       ACT KEYS    JSON timings of open_mmap and get_val_at
//!   bench-paths IN          JSON timings of serialize_paths and for_each_deserialized_path
//!   bench-write IN          JSON timings of building a PathMap<u64> of IN and of from_zipper

use std::fs;
use std::io::Write;
use std::process::exit;
use std::time::Instant;

use pathmap::arena_compact::{ACTMmap, ArenaCompactTree};
use pathmap::paths_serialization::{for_each_deserialized_path, serialize_paths};
use pathmap::PathMap;

fn die(msg: String) -> ! {
    eprintln!("pathmap-harness: {msg}");
    exit(2)
}

fn read_records(file: &str) -> Vec<(Vec<u8>, u64)> {
    let data = fs::read(file).unwrap_or_else(|e| die(format!("{file}: {e}")));
    let mut out = Vec::new();
    let mut pos = 0usize;
    while pos < data.len() {
        if data.len() - pos < 4 {
            die(format!("{file}: record length cut short at byte {pos}"));
        }
        let n = u32::from_le_bytes(data[pos..pos + 4].try_into().unwrap()) as usize;
        pos += 4;
        if data.len() - pos < n + 8 {
            die(format!("{file}: record of {n} bytes cut short at byte {pos}"));
        }
        let path = data[pos..pos + n].to_vec();
        pos += n;
        let v = u64::from_le_bytes(data[pos..pos + 8].try_into().unwrap());
        pos += 8;
        out.push((path, v));
    }
    out
}

fn push_record(out: &mut Vec<u8>, path: &[u8], v: u64) {
    out.extend_from_slice(&(path.len() as u32).to_le_bytes());
    out.extend_from_slice(path);
    out.extend_from_slice(&v.to_le_bytes());
}

fn write_file(file: &str, data: &[u8]) {
    fs::write(file, data).unwrap_or_else(|e| die(format!("{file}: {e}")));
}

fn build_map(recs: &[(Vec<u8>, u64)]) -> PathMap<u64> {
    let mut m = PathMap::<u64>::new();
    for (p, v) in recs {
        m.set_val_at(p, *v);
    }
    m
}

fn open_act(file: &str) -> ACTMmap {
    ArenaCompactTree::open_mmap(file).unwrap_or_else(|e| die(format!("{file}: open_mmap: {e}")))
}

fn median(v: &mut Vec<u128>) -> u128 {
    v.sort_unstable();
    v[v.len() / 2]
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let arg = |i: usize| -> &str {
        args.get(i).map(|s| s.as_str()).unwrap_or_else(|| die(format!("{}: missing argument {i}", args.get(1).map(|s| s.as_str()).unwrap_or("?"))))
    };
    match arg(1) {
        "write-paths" => {
            let m = build_map(&read_records(arg(2)));
            let mut out = Vec::new();
            serialize_paths(m.read_zipper(), &mut out).unwrap_or_else(|e| die(format!("serialize_paths: {e}")));
            write_file(arg(3), &out);
        }
        "read-paths" => {
            let data = fs::read(arg(2)).unwrap_or_else(|e| die(format!("{}: {e}", arg(2))));
            let mut out = Vec::new();
            for_each_deserialized_path(&data[..], |_, p| {
                push_record(&mut out, p, 0);
                Ok(())
            })
            .unwrap_or_else(|e| die(format!("for_each_deserialized_path: {e}")));
            write_file(arg(3), &out);
        }
        "write-act" => {
            let m = build_map(&read_records(arg(2)));
            let act = ArenaCompactTree::from_zipper(m.read_zipper(), |v: &u64| *v);
            write_file(arg(3), act.get_data());
        }
        "read-act" => {
            let act = open_act(arg(2));
            let mut out = Vec::new();
            for (p, v) in act.iter() {
                push_record(&mut out, &p, v);
            }
            write_file(arg(3), &out);
        }
        "get-act" => {
            let act = open_act(arg(2));
            let mut out = Vec::new();
            for (k, _) in read_records(arg(3)) {
                match act.get_val_at(&k) {
                    Some(v) => {
                        out.push(1);
                        out.extend_from_slice(&v.to_le_bytes());
                    }
                    None => {
                        out.push(0);
                        out.extend_from_slice(&0u64.to_le_bytes());
                    }
                }
            }
            write_file(arg(4), &out);
        }
        "bench" => {
            let file = arg(2);
            let keys: Vec<Vec<u8>> = read_records(arg(3)).into_iter().map(|(k, _)| k).collect();
            let mut opens = Vec::new();
            for _ in 0..201 {
                let t = Instant::now();
                let act = open_act(file);
                let el = t.elapsed().as_nanos();
                std::hint::black_box(&act);
                drop(act);
                opens.push(el);
            }
            let act = open_act(file);
            // One warm-up pass so both sides read from the page cache.
            let mut found = 0u64;
            let mut sum = 0u64;
            for k in &keys {
                if let Some(v) = act.get_val_at(k) {
                    found += 1;
                    sum = sum.wrapping_add(v);
                }
            }
            let mut passes = Vec::new();
            for _ in 0..5 {
                let t = Instant::now();
                for k in &keys {
                    if let Some(v) = std::hint::black_box(act.get_val_at(std::hint::black_box(k))) {
                        sum = sum.wrapping_add(v);
                    }
                }
                passes.push(t.elapsed().as_nanos());
            }
            let total = median(&mut passes);
            let n = keys.len().max(1) as f64;
            println!(
                "{{\"open_mmap_ns\":{},\"lookups\":{},\"found\":{},\"lookup_total_ns\":{},\"lookup_ns\":{:.1},\"checksum\":{}}}",
                median(&mut opens), keys.len(), found, total, total as f64 / n, sum
            );
        }
        "bench-paths" => {
            let m = build_map(&read_records(arg(2)));
            let mut ser = Vec::new();
            let mut bytes_in = 0usize;
            let mut out = Vec::new();
            for _ in 0..3 {
                out.clear();
                let t = Instant::now();
                let st = serialize_paths(m.read_zipper(), &mut out).unwrap_or_else(|e| die(format!("serialize_paths: {e}")));
                ser.push(t.elapsed().as_nanos());
                bytes_in = st.bytes_in;
            }
            let mut de = Vec::new();
            let mut npaths = 0usize;
            for _ in 0..3 {
                let t = Instant::now();
                let st = for_each_deserialized_path(&out[..], |_, p| {
                    std::hint::black_box(p);
                    Ok(())
                })
                .unwrap_or_else(|e| die(format!("for_each_deserialized_path: {e}")));
                de.push(t.elapsed().as_nanos());
                npaths = st.path_count;
            }
            let (s, d) = (median(&mut ser), median(&mut de));
            let mbps = |ns: u128| if ns == 0 { 0.0 } else { bytes_in as f64 / (ns as f64 / 1e9) / 1e6 };
            println!(
                "{{\"paths\":{},\"raw_bytes\":{},\"paths_bytes\":{},\"serialize_ns\":{},\"serialize_mb_s\":{:.1},\"deserialize_ns\":{},\"deserialize_mb_s\":{:.1}}}",
                npaths, bytes_in, out.len(), s, mbps(s), d, mbps(d)
            );
        }
        "bench-write" => {
            let recs = read_records(arg(2));
            let mut builds = Vec::new();
            let mut writes = Vec::new();
            let mut size = 0usize;
            for _ in 0..3 {
                let t = Instant::now();
                let m = build_map(&recs);
                builds.push(t.elapsed().as_nanos());
                let t = Instant::now();
                let act = ArenaCompactTree::from_zipper(m.read_zipper(), |v: &u64| *v);
                writes.push(t.elapsed().as_nanos());
                size = act.get_data().len();
                std::hint::black_box(&act);
            }
            println!(
                "{{\"paths\":{},\"act_bytes\":{},\"build_map_ns\":{},\"from_zipper_ns\":{}}}",
                recs.len(), size, median(&mut builds), median(&mut writes)
            );
        }
        other => die(format!("unknown subcommand {other:?}")),
    }
    std::io::stdout().flush().ok();
}
