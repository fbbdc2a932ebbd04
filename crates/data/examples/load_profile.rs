fn main() {
    use std::io::Read;
    let bytes = std::fs::read("data/snapshot.postcard.gz").unwrap();
    for _ in 0..3 {
        let t = std::time::Instant::now();
        let mut raw = Vec::new();
        flate2::read::GzDecoder::new(&bytes[..])
            .read_to_end(&mut raw)
            .unwrap();
        let t1 = t.elapsed();
        let ds = derisk_data::snapshot::decode(&bytes).unwrap();
        let t2 = t.elapsed();
        println!(
            "gunzip {:?} ({} bytes) total decode {:?} flows {}",
            t1,
            raw.len(),
            t2 - t1,
            ds.trade.flows.len()
        );
    }
}
