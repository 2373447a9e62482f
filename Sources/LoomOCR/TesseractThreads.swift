import Foundation

/// Keeps tesseract to one thread per recognizer.
///
/// Tesseract runs parts of its LSTM in OpenMP teams of up to four threads. A program that already runs one
/// recognizer per core would then keep several times as many busy threads as there are cores.
public enum TesseractThreads {
    /// Keeps the recognizers of the calling thread on that thread. Call it on every thread that makes
    /// recognizers, before its first one.
    ///
    /// It sets `OMP_THREAD_LIMIT=1` for the process (once), which OpenMP runtimes that read their environment
    /// lazily obey. GCC's libgomp, which Debian's tesseract uses, reads it only when it is loaded at process
    /// start, so for it the calling thread's maximum of active parallel levels is also set to 0: every parallel
    /// region the thread enters then runs on the thread alone (measured: no OpenMP threads started, the same
    /// lines read). Without an OpenMP runtime in the process only the variable is set.
    public static func limitToOne() {
        _ = environment
        setMaxActiveLevels?(0)
    }

    private static let environment: Void = {
        setenv("OMP_THREAD_LIMIT", "1", 1)
    }()

    /// OpenMP's `omp_set_max_active_levels`, looked up in the running process (tesseract may be built without
    /// OpenMP, and Loom does not link it itself).
    private static let setMaxActiveLevels: (@convention(c) (Int32) -> Void)? = {
        #if canImport(Darwin)
        let everyLoadedLibrary = UnsafeMutableRawPointer(bitPattern: -2)  // RTLD_DEFAULT
        #else
        let everyLoadedLibrary: UnsafeMutableRawPointer? = nil  // RTLD_DEFAULT
        #endif
        guard let symbol = dlsym(everyLoadedLibrary, "omp_set_max_active_levels") else { return nil }
        return unsafeBitCast(symbol, to: (@convention(c) (Int32) -> Void).self)
    }()
}
