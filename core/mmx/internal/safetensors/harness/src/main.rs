//! polyfmt's command-line bridge to the `safetensors` crate (0.8.0), for
//! benchmarks beside polyfmt's MMX and for the test that both do the same work.
//!
//! Every timing covers only the work named (never process start, data
//! generation or the memory touch before it) and is printed as JSON on stdout.
//!
//!   write FILE N BYTES SYNC PREFAULT
//!       N float32 tensors "t000"... of BYTES/N bytes each (shape [k, 1024]
//!       when the element count divides by 1024, else [k]), filled by `fill`;
//!       touches and frees PREFAULT bytes of fresh memory (untimed), then
//!       times serialize_to_file, followed when SYNC is 1 by fsync of the
//!       file and of its directory.                       -> {"ns", "bytes"}
//!   read FILE PREFAULT
//!       touches and frees PREFAULT bytes (untimed), then times: open, mmap,
//!       SafeTensors::deserialize, every tensor (in name order; each must be
//!       F32) summed by `sum8`, unmap.    -> {"ns", "bytes", "tensors", "sum", "sum_bits"}
//!   sum N BYTES
//!       the tensors of `write`, in memory: times `sum8` over all of them.
//!                                        -> {"ns", "bytes", "sum", "sum_bits"}
//!
//! `fill` and `sum8` are defined identically in core/mmx/internal/safetensors
//! (Fill, Sum): the same bits in, the same additions in the same order, so
//! the Go side and this one agree to the last bit of the sum.

use std::fs::File;
use std::io::Write;
use std::path::Path;
use std::process::exit;
use std::time::Instant;

use memmap2::Mmap;
use safetensors::tensor::TensorView;
use safetensors::{serialize_to_file, Dtype, SafeTensors};

fn die(msg: String) -> ! {
    eprintln!("safetensors-harness: {msg}");
    exit(2)
}

/// Element i of tensor t: a 24-bit hash of (t, i) as a float32 in [-1, 1),
/// exact in float32.
fn fill(t: u32, out: &mut [f32]) {
    let base = t.wrapping_mul(40503).wrapping_add(12345);
    for (i, v) in out.iter_mut().enumerate() {
        let h = (i as u32).wrapping_mul(2654435761).wrapping_add(base);
        *v = ((h >> 8) as i32 - 0x80_0000) as f32 / 8_388_608.0;
    }
}

/// The sum of x in 8 float32 lanes (element i into lane i % 8), the lanes
/// combined pairwise, as f64.
fn sum8(x: &[f32]) -> f64 {
    let mut a = [0f32; 8];
    let mut it = x.chunks_exact(8);
    for c in &mut it {
        for j in 0..8 {
            a[j] += c[j];
        }
    }
    for (j, v) in it.remainder().iter().enumerate() {
        a[j] += *v;
    }
    (((a[0] + a[1]) + (a[2] + a[3])) + ((a[4] + a[5]) + (a[6] + a[7]))) as f64
}

/// Touches one byte per 4 KiB page of n fresh bytes, then frees them: the
/// next large allocations and page-cache pages find pages the host backs
/// (see bench/mmx_python.py).
fn prefault(n: usize) {
    if n == 0 {
        return;
    }
    let mut v = vec![0u8; n];
    let mut i = 0;
    while i < n {
        v[i] = 1;
        i += 4096;
    }
    std::hint::black_box(&v);
}

fn num(args: &[String], i: usize) -> usize {
    let s = args.get(i).unwrap_or_else(|| die(format!("missing argument {i}")));
    s.parse().unwrap_or_else(|e| die(format!("argument {i} ({s:?}): {e}")))
}

fn arg(args: &[String], i: usize) -> &str {
    args.get(i).map(|s| s.as_str()).unwrap_or_else(|| die(format!("missing argument {i}")))
}

/// The N tensors of `write`, each BYTES/N bytes.
fn tensors(n: usize, bytes: usize) -> Vec<Vec<f32>> {
    if n == 0 || bytes % n != 0 || (bytes / n) % 4 != 0 {
        die(format!("{bytes} bytes do not split into {n} float32 tensors"));
    }
    (0..n)
        .map(|t| {
            let mut v = vec![0f32; bytes / n / 4];
            fill(t as u32, &mut v);
            v
        })
        .collect()
}

fn as_bytes(v: &[f32]) -> &[u8] {
    // SAFETY: f32 has no padding and every byte pattern is a valid u8.
    unsafe { std::slice::from_raw_parts(v.as_ptr().cast::<u8>(), std::mem::size_of_val(v)) }
}

fn shape(elems: usize) -> Vec<usize> {
    if elems % 1024 == 0 {
        vec![elems / 1024, 1024]
    } else {
        vec![elems]
    }
}

fn main() {
    if cfg!(target_endian = "big") {
        die("safetensors stores little-endian floats; this harness sums them in place".into());
    }
    let args: Vec<String> = std::env::args().collect();
    match arg(&args, 1) {
        "write" => {
            let (file, n, bytes, sync, pf) = (arg(&args, 2), num(&args, 3), num(&args, 4), num(&args, 5), num(&args, 6));
            let data = tensors(n, bytes);
            prefault(pf);
            let t = Instant::now();
            let views = data.iter().enumerate().map(|(i, v)| {
                let view = TensorView::new(Dtype::F32, shape(v.len()), as_bytes(v)).unwrap_or_else(|e| die(format!("TensorView::new: {e}")));
                (format!("t{i:03}"), view)
            });
            serialize_to_file(views, None, Path::new(file)).unwrap_or_else(|e| die(format!("serialize_to_file {file}: {e}")));
            if sync == 1 {
                let dir = Path::new(file).parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
                for p in [Path::new(file), dir] {
                    File::open(p)
                        .and_then(|f| f.sync_all())
                        .unwrap_or_else(|e| die(format!("fsync {}: {e}", p.display())));
                }
            }
            let ns = t.elapsed().as_nanos();
            println!("{{\"ns\":{ns},\"bytes\":{bytes}}}");
        }
        "read" => {
            let (file, pf) = (arg(&args, 2), num(&args, 3));
            prefault(pf);
            let t = Instant::now();
            let f = File::open(file).unwrap_or_else(|e| die(format!("{file}: {e}")));
            // SAFETY: nothing else writes the file while it is mapped.
            let m = unsafe { Mmap::map(&f) }.unwrap_or_else(|e| die(format!("mmap {file}: {e}")));
            let st = SafeTensors::deserialize(&m).unwrap_or_else(|e| die(format!("deserialize {file}: {e}")));
            let mut names = st.names();
            names.sort_unstable();
            let (mut sum, mut bytes) = (0f64, 0usize);
            for name in &names {
                let v = st.tensor(name).unwrap_or_else(|e| die(format!("{name}: {e}")));
                if v.dtype() != Dtype::F32 {
                    die(format!("{name}: dtype {:?}, not F32", v.dtype()));
                }
                // SAFETY: every bit pattern is an f32; the ends must be empty
                // (safetensors aligns the data to 8 bytes and the mapping to a page).
                let (pre, x, post) = unsafe { v.data().align_to::<f32>() };
                if !pre.is_empty() || !post.is_empty() {
                    die(format!("{name}: data not 4-byte aligned"));
                }
                sum += sum8(x);
                bytes += v.data().len();
            }
            let count = names.len();
            drop(names);
            drop(st);
            drop(m);
            drop(f);
            let ns = t.elapsed().as_nanos();
            println!(
                "{{\"ns\":{ns},\"bytes\":{bytes},\"tensors\":{},\"sum\":{sum:?},\"sum_bits\":\"{}\"}}",
                count,
                sum.to_bits()
            );
        }
        "sum" => {
            let (n, bytes) = (num(&args, 2), num(&args, 3));
            let data = tensors(n, bytes);
            let t = Instant::now();
            let mut sum = 0f64;
            for v in &data {
                sum += sum8(std::hint::black_box(v));
            }
            let ns = t.elapsed().as_nanos();
            println!("{{\"ns\":{ns},\"bytes\":{bytes},\"sum\":{sum:?},\"sum_bits\":\"{}\"}}", sum.to_bits());
        }
        other => die(format!("unknown subcommand {other:?}")),
    }
    std::io::stdout().flush().ok();
}
