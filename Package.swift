// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "loom",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "loom", targets: ["loom"]),
        .library(name: "LoomEngine", targets: ["LoomEngine"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/yaslab/CSV.swift", from: "2.5.2"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
    ],
    targets: [
        // C libraries from Debian, each behind a system-library target with a shim header.
        .systemLibrary(name: "CCairo", pkgConfig: "cairo", providers: [.apt(["libcairo2-dev"])]),
        .systemLibrary(name: "CTurboJPEG", pkgConfig: "libturbojpeg", providers: [.apt(["libturbojpeg0-dev"])]),
        .systemLibrary(name: "CPNG", pkgConfig: "libpng16", providers: [.apt(["libpng-dev"])]),
        .systemLibrary(name: "CWebP", pkgConfig: "libwebp", providers: [.apt(["libwebp-dev"])]),
        // HEIC (HEVC through libde265) and AVIF (AV1 through dav1d) photos; the encoders (x265, aom) make test files.
        .systemLibrary(name: "CHeif", pkgConfig: "libheif", providers: [.apt(["libheif-dev"])]),
        // Little CMS: photos' embedded ICC profiles (Display P3, Adobe RGB) converted to sRGB at decode.
        .systemLibrary(name: "CLCMS2", pkgConfig: "lcms2", providers: [.apt(["liblcms2-dev"])]),
        .systemLibrary(name: "CXXHash", pkgConfig: "libxxhash", providers: [.apt(["libxxhash-dev"])]),
        .systemLibrary(name: "CExif", pkgConfig: "libexif", providers: [.apt(["libexif-dev"])]),
        .systemLibrary(name: "CSwscale", pkgConfig: "libswscale", providers: [.apt(["libswscale-dev"])]),
        .systemLibrary(name: "CArchive", pkgConfig: "libarchive", providers: [.apt(["libarchive-dev"])]),
        .systemLibrary(
            name: "CAVFormat", pkgConfig: "libavformat", providers: [.apt(["libavformat-dev", "libavcodec-dev", "libavutil-dev"])]),
        .systemLibrary(name: "CTesseract", pkgConfig: "tesseract", providers: [.apt(["libtesseract-dev", "tesseract-ocr-eng"])]),

        // The library core: data model, ids, ground truth, facts. Foundation + hashing only.
        .target(
            name: "LoomCore", dependencies: [.product(name: "Crypto", package: "swift-crypto"), "CXXHash"],
            resources: [.copy("Resources")]),
        // Pixel buffers, image decoding and encoding (TurboJPEG, libpng, libwebp, libheif, libexif), downscaling
        // (libswscale) and perceptual hashes.
        // Row-at-a-time PNG reading (C: libpng reports errors by longjmp, which must not cross Swift frames).
        .target(name: "CPNGRows", dependencies: ["CPNG"]),
        .target(name: "LoomMedia", dependencies: ["LoomCore", "CTurboJPEG", "CPNG", "CPNGRows", "CWebP", "CHeif", "CLCMS2", "CExif", "CSwscale"]),
        // Video files through libavformat/libavcodec: probing, frames at chosen times, turned upright.
        .target(name: "LoomVideo", dependencies: ["LoomCore", "LoomMedia", "CAVFormat", "CSwscale"]),
        // Text recognition through tesseract's C API.
        .target(name: "LoomOCR", dependencies: ["LoomCore", "LoomMedia", "CTesseract"]),
        // Bringing users' collections in: folders, JSONL manifests, COCO files; near-duplicate index.
        .target(
            name: "LoomIngest", dependencies: ["LoomCore", "LoomMedia", .product(name: "CSV", package: "CSV.swift")]),
        // Procedural scenes with exact ground truth, drawn with cairo.
        .target(name: "LoomScenes", dependencies: ["LoomCore", "LoomMedia", "CCairo"], resources: [.copy("Resources")]),
        // Recipes: YAML parsing with line-precise diagnostics.
        .target(name: "LoomRecipe", dependencies: ["LoomCore", "LoomExport", "LoomLinking", "Yams"], resources: [.copy("Resources/starter.yaml")]),
        // SQLite's process-wide options (multi-thread mode, no memory statistics), set through `sqlite3_config`,
        // which Swift cannot call. SQLite itself comes from Debian (libsqlite3-dev, GRDB's system library).
        .target(name: "CSQLiteSettings", linkerSettings: [.linkedLibrary("sqlite3")]),
        // The run store: SQLite through GRDB, ledger, batching writer.
        .target(
            name: "LoomStore",
            dependencies: [
                "LoomCore", "CSQLiteSettings", .product(name: "GRDB", package: "GRDB.swift"),
                // SQLite's C interface, for export scans that read column bytes without making strings.
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
            ]),
        // The model client: OpenAI-compatible chat completions over async-http-client, with retries, streaming,
        // structured output, adaptive concurrency and token accounting.
        .target(name: "LoomLLM", dependencies: [
            "LoomCore",
            .product(name: "AsyncHTTPClient", package: "async-http-client"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOHTTP1", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOFoundationCompat", package: "swift-nio"),
            .product(name: "Crypto", package: "swift-crypto"),
        ]),
        // Model-written instructions: the prompts (data files), request builders and strict reply decoders of the
        // caption, question, conversation, Multi-VQA, Syphus and verify stages. Pure: no I/O beyond its resources.
        .target(name: "LoomInstruct", dependencies: ["LoomCore", "LoomLLM", "Yams"], resources: [.copy("Prompts")]),
        // A scriptable OpenAI-compatible server on loopback, for tests and benchmarks (never for production).
        .target(name: "LoomMockModel", dependencies: [
            "LoomCore",
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOHTTP1", package: "swift-nio"),
        ]),
        // The offline template generator: seed-question templates (data files) instantiated from ground truth.
        .target(name: "LoomGenerate", dependencies: ["LoomCore", "Yams"], resources: [.copy("Templates")]),
        // The independent answer checker: recomputes every answer from ground truth.
        .target(name: "LoomCheck", dependencies: ["LoomCore"]),
        // Quality: record validators, the grounding (hallucination) check, text normalization, MinHash LSH
        // near-duplicate detection, balancing plans. Pure computation over records: no store, no I/O.
        .target(name: "LoomQuality", dependencies: ["LoomCore"], resources: [.copy("Resources")]),
        // In-context example linking (MIMIC-IT's rel_ins_ids): TF-IDF vectors, exact top-k cosine search, example
        // pools, image-hash neighbours. Pure computation: no store, no I/O.
        // POPCNT-based Hamming distance kernels (C, so that the instruction can be chosen at run time).
        .target(name: "CHamming"),
        .target(name: "LoomLinking", dependencies: ["LoomCore", "CHamming"]),
        // Dataset statistics and the data card (self-contained HTML with SVG charts, plus JSON), read from a store.
        .target(name: "LoomReport", dependencies: ["LoomCore", "LoomStore", "LoomMedia"], resources: [.copy("Resources")]),
        // Training-format writers (LLaVA, Mantis).
        .target(name: "LoomExport", dependencies: ["LoomCore", "LoomStore", "LoomMedia", "LoomVideo", "CArchive"], resources: [.copy("Resources")]),
        // Recipe execution: stages, scheduling, resume, progress.
        .target(name: "LoomEngine", dependencies: [
            "LoomCore", "LoomMedia", "LoomScenes", "LoomRecipe", "LoomStore", "LoomGenerate", "LoomCheck", "LoomExport",
            "LoomIngest", "LoomOCR", "LoomLLM", "LoomInstruct", "LoomQuality", "LoomReport", "LoomReview", "LoomLinking", "LoomVideo", "Yams",
            .product(name: "NIOPosix", package: "swift-nio"),
        ]),
        // Manual correction (MMInstruct's last step): accounts, queues and rounds, leases, versions and the audit
        // trail, disagreement policies, agreement statistics, per-domain checklists. No HTTP: the web app sits on top.
        .target(name: "LoomReview", dependencies: [
            "LoomCore", "LoomStore", "LoomQuality", "Yams", .product(name: "CryptoExtras", package: "swift-crypto"),
        ], resources: [.copy("Checklists")]),
        // The review web app: Hummingbird routes, server-rendered Mustache pages, a little plain JavaScript.
        .target(name: "LoomReviewServer", dependencies: [
            "LoomReview", "LoomCore", "LoomStore", "LoomMedia",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "Mustache", package: "swift-mustache"),
            .product(name: "HTTPTypes", package: "swift-http-types"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
        ], resources: [.copy("Pages"), .copy("Static")]),
        // The thin command-line front end.
        .executableTarget(name: "loom", dependencies: [
            "LoomEngine", "LoomReview", "LoomReviewServer", .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),

        // Benchmarks (`make bench`): generation speed without drawing images.
        .executableTarget(name: "loom-bench", dependencies: [
            "LoomEngine", "LoomLLM", "LoomMockModel", "LoomQuality", "LoomReview", "LoomLinking", "LoomStore", "LoomVideo",
            .product(name: "AsyncHTTPClient", package: "async-http-client"),
            .product(name: "NIOHTTP1", package: "swift-nio"),
        ], path: "benchmarks/LoomBench"),
        // The mock model endpoint as a process of its own, for benchmarking other clients against the same server.
        .executableTarget(name: "loom-mock-model", dependencies: ["LoomMockModel"], path: "benchmarks/MockModel"),

        .testTarget(name: "LoomCoreTests", dependencies: ["LoomCore"]),
        .testTarget(name: "LoomMediaTests", dependencies: ["LoomMedia", "CHeif", "CLCMS2"]),
        .testTarget(name: "LoomVideoTests", dependencies: ["LoomVideo", "LoomMedia"]),
        .testTarget(name: "LoomOCRTests", dependencies: ["LoomOCR", "LoomScenes", "LoomMedia"]),
        .testTarget(name: "LoomIngestTests", dependencies: ["LoomIngest", "LoomMedia"]),
        .testTarget(name: "LoomScenesTests", dependencies: ["LoomScenes", "LoomMedia"]),
        .testTarget(name: "LoomLLMTests", dependencies: ["LoomLLM", "LoomMockModel"]),
        .testTarget(name: "LoomInstructTests", dependencies: ["LoomInstruct", "LoomLLM"]),
        .testTarget(name: "LoomRecipeTests", dependencies: ["LoomRecipe", "LoomStore", "LoomLinking"]),
        .testTarget(name: "LoomStoreTests", dependencies: ["LoomStore", .product(name: "GRDB", package: "GRDB.swift")]),
        .testTarget(name: "LoomGenerateTests", dependencies: ["LoomGenerate", "LoomCheck", "LoomScenes"]),
        .testTarget(name: "LoomQualityTests", dependencies: ["LoomQuality"]),
        .testTarget(name: "LoomLinkingTests", dependencies: ["LoomLinking"]),
        .testTarget(name: "LoomExportTests", dependencies: ["LoomExport", "LoomStore", "LoomMedia", "LoomCore"], exclude: ["Golden"]),
        .testTarget(name: "LoomReportTests", dependencies: ["LoomReport", "LoomStore", "LoomEngine", "LoomMedia"]),
        .testTarget(name: "LoomReviewTests", dependencies: [
            "LoomReview", "LoomReviewServer", "LoomStore", "LoomCore", "LoomQuality",
            .product(name: "HummingbirdTesting", package: "hummingbird"),
            .product(name: "AsyncHTTPClient", package: "async-http-client"),
            .product(name: "NIOHTTP1", package: "swift-nio"),
        ]),
        .testTarget(name: "LoomEngineTests", dependencies: [
            "LoomEngine", "LoomMedia", "LoomScenes", "LoomStore", "LoomOCR", "LoomRecipe", "LoomMockModel", "LoomCheck",
            "LoomQuality", "LoomReview", "LoomLinking", "LoomExport", "LoomVideo",
        ]),
    ],
    swiftLanguageModes: [.v6]
)
