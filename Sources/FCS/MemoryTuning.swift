/// Process-wide allocator settings for programs that read many large files (the CLI's many-file commands and
/// the benchmarks call it once at start; the libraries never change them on their own). Not for one file: with
/// nothing to reuse, freed columns would only stay resident and raise the peak.
public enum MemoryTuning {
    /// Keeps large blocks (event columns, compensated values) in glibc's heap once freed, so the next file reuses
    /// pages that are already mapped instead of faulting in and zeroing fresh ones: 14,000 page faults cost
    /// more than decoding a 56 MB file.
    public static func reuseLargeAllocations() {
        #if os(Linux)
        // malloc.h: M_TRIM_THRESHOLD = -1, M_MMAP_THRESHOLD = -3 (Glibc's module map leaves malloc.h out).
        _ = glibcMallopt(-3, 1 << 30)
        _ = glibcMallopt(-1, 1 << 30)
        #endif
    }
}

#if os(Linux)
@_silgen_name("mallopt")
private func glibcMallopt(_ parameter: Int32, _ value: Int32) -> Int32
#endif
