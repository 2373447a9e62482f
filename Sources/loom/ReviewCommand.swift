import ArgumentParser
import Foundation
import LoomCore
import LoomEngine
import LoomReview
import LoomReviewServer
import LoomStore

/// `loom review`: manual correction in the browser (MMInstruct's last step).
struct ReviewCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "review",
        abstract: "Review records in the browser: accounts, batches, passes, adjudication, audit trail.",
        discussion: "Start with `loom review add-user RUN NAME --role admin`, then `loom review serve RUN`. See docs/REVIEW.md.",
        subcommands: [ReviewServe.self, ReviewAddUser.self, ReviewBatchCommand.self, ReviewStatusCommand.self])
}

/// The review settings of a run: what its store keeps, with any options given here applied and kept.
struct ReviewSettingOptions: ParsableArguments {
    @Option(help: "Independent passes each record needs (default 3, or what the run keeps).")
    var passes: Int?

    @Option(help: "How passes that disagree are settled: majority or any-reject.")
    var policy: String?

    @Option(help: "Minutes a reviewer holds a record before another may take it (default 10).")
    var leaseMinutes: Double?

    @Option(help: "Dollars per reviewer-hour, to count manual correction's cost (`loom status`, `loom stats`).")
    var hourlyRate: Double?

    func settings(for store: RunStore) throws -> ReviewSettings {
        var settings = try ReviewService.storedSettings(store)
        var changed = false
        if let passes {
            guard (1...20).contains(passes) else { throw ValidationError("--passes: give 1 to 20") }
            settings.passes = passes
            changed = true
        }
        if let policy {
            settings.policy = try choice(DisagreementPolicy.self, policy, option: "policy")
            changed = true
        }
        if let leaseMinutes {
            guard leaseMinutes > 0 else { throw ValidationError("--lease-minutes: give a positive number") }
            settings.leaseSeconds = leaseMinutes * 60
            changed = true
        }
        if let hourlyRate {
            guard hourlyRate >= 0 else { throw ValidationError("--hourly-rate: give dollars per hour, 0 or more") }
            settings.hourlyRate = hourlyRate
            changed = true
        }
        if changed {
            let json = String(decoding: try JSONEncoder().encode(settings), as: UTF8.self)
            try store.setMeta(ReviewSettings.metaKey, json)
        }
        return settings
    }
}

struct ReviewServe: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve", abstract: "Serve the review app (on 127.0.0.1 unless --host says otherwise).")

    @Argument(help: "A run directory (or its recipe file).")
    var target = "."

    @Option(help: "The address to listen on. Anything but loopback exposes the app to the network.")
    var host = "127.0.0.1"

    @Option(help: "The port (0 picks a free one).")
    var port = 8080

    @Flag(help: "The app is behind an HTTP proxy on this machine (nginx, Caddy) that sets X-Forwarded-For: login limits count the address it forwards. Not for SSH tunnels or TCP proxies, through which a client writes the header itself.")
    var behindProxy = false

    @Option(name: .customLong("allowed-host"), help: "A name the app answers to besides IP addresses and localhost (repeat for more): the public name a proxy passes on in Host (Caddy does), or a tunnel's. Requests naming other sites are refused, against DNS rebinding.")
    var allowedHosts: [String] = []

    @OptionGroup var review: ReviewSettingOptions

    func run() async throws {
        let listen = host
        let configuration = try reportingErrors { () throws -> ReviewServerConfiguration in
            do {
                return try ReviewServerConfiguration(
                    host: listen, port: port, behindProxy: behindProxy, allowedHosts: allowedHosts,
                    onRefusedHost: { name in
                        FileHandle.standardError.write(Data(
                            "note: refused a request for the name '\(name)' (the app answers only to addresses, localhost and the names it is told, against DNS rebinding); if your team reaches the app by that name, serve with --allowed-host \(name)\n".utf8))
                    })
            } catch {
                throw LoomError(.usage, "\(error)", subject: "--allowed-host")
            }
        }
        let service = try await reportingErrors { () async throws -> ReviewService in
            let run = try RunLocator.runDirectory(target, reads: .randomLookups)
            // Corrections are checked as the run's quality stage checked records: a run from before Loom stored
            // those settings gets them from its recipe.
            switch try StoredValidation.fillIn(run) {
            case .stored: break
            case .fromRecipe(let path):
                FileHandle.standardError.write(Data("note: corrections are checked with the validation settings of \(path) (the run's quality stage did not store its own)\n".utf8))
            case .defaults(let reason):
                FileHandle.standardError.write(Data("note: corrections are checked with the default validation settings: \(reason), and the run's quality stage did not store its own\n".utf8))
            }
            let service = try ReviewService(store: run.store, runDirectory: run.url, settings: try review.settings(for: run.store))
            let settled = try service.settleFinishedRecords()
            if settled > 0 {
                FileHandle.standardError.write(Data("note: \(settled) records in review already had \(service.settings.passes) passes and were decided\n".utf8))
            }
            if try run.store.reviewers().isEmpty {
                FileHandle.standardError.write(Data("note: no review accounts yet; add one with `loom review add-user \(target) NAME --role admin`\n".utf8))
            }
            if !AllowedHosts.isLoopback(host) {
                FileHandle.standardError.write(Data(
                    "warning: listening on \(host) over plain HTTP: anyone who can reach this address can try to sign in, and passwords and session cookies cross the network unencrypted; serve it behind a TLS proxy (Caddy, nginx) or reach it through an SSH tunnel (ssh -L 8080:127.0.0.1:8080 host)\n".utf8))
            }
            return service
        }
        if !AllowedHosts.isLoopback(listen) {
            let names = configuration.allowedHosts.names.sorted().joined(separator: ", ")
            FileHandle.standardError.write(Data(
                "note: the app answers to IP addresses, localhost and \(names.isEmpty ? "no other name" : names); another name your team uses needs --allowed-host NAME\n".utf8))
        }
        try await reportingErrors {
            try await serveReview(
                service: service,
                configuration: configuration,
                onServerRunning: { port in
                    let shown = listen.contains(":") ? "[\(listen)]" : listen
                    // Written straight to the descriptor: scripts wait for this line, and `print` buffers in a pipe.
                    FileHandle.standardOutput.write(Data("Review app: http://\(shown):\(port)/  (Ctrl-C stops it)\n".utf8))
                })
        }
    }
}

struct ReviewAddUser: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add-user",
        abstract: "Create a review account, or reset its role and password.",
        discussion: "The password is asked for without echo on a terminal, or read as one line from standard input with --password-stdin.")

    @Argument(help: "A run directory (or its recipe file).")
    var target: String

    @Argument(help: "The account name (letters, digits, '.', '_', '-').")
    var name: String

    @Option(help: "annotator, adjudicator or admin.")
    var role = "annotator"

    @Flag(help: "Read the password from standard input (one line).")
    var passwordStdin = false

    func run() throws {
        try reportingErrors {
            let role = try choice(ReviewerRole.self, role, option: "role")
            let run = try RunLocator.runDirectory(target)
            let password = try readPassword()
            let service = try ReviewService(store: run.store, runDirectory: run.url, settings: try ReviewService.storedSettings(run.store))
            try service.addUser(name: name, role: role, password: password)
            print("Account \(name) (\(role.rawValue)) saved in \(run.url.path).")
        }
    }

    private func readPassword() throws -> String {
        if !passwordStdin, isatty(STDIN_FILENO) == 1, let typed = getpass("Password for \(name): ") {
            let first = String(cString: typed)
            guard let again = getpass("Again: "), String(cString: again) == first else {
                throw LoomError(.usage, "the two passwords differ", subject: name)
            }
            return first
        }
        guard let line = readLine(strippingNewline: true) else {
            throw LoomError(.usage, "no password on standard input", subject: name)
        }
        return line
    }
}

struct ReviewBatchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "batch", abstract: "Create a review batch: the records a filter selects (records generated later join it).")

    @Argument(help: "A run directory (or its recipe file).")
    var target: String

    @Argument(help: "The batch name.")
    var name: String

    @Option(help: "Only these domains (comma-separated).")
    var domains: String?

    @Option(help: "Only these question types (comma-separated).")
    var types: String?

    @Option(help: "Only these multi-image skills (comma-separated).")
    var skills: String?

    @Option(help: "Flagged records: include (default), only or exclude.")
    var flags = "include"

    @Option(help: "Only records carrying this quality flag code (e.g. format.answer_key).")
    var flagCode: String?

    @Option(help: "Model judge verdict: supported, unsupported or unjudged.")
    var verdict: String?

    func run() throws {
        try reportingErrors {
            let run = try RunLocator.runDirectory(target)
            let filter = ReviewBatchFilter(
                domains: commaList(domains).sorted(), types: commaList(types).sorted(), skills: commaList(skills).sorted(),
                flags: try choice(RecordSelection.Flags.self, flags, option: "flags"), flagCode: flagCode,
                verdict: try verdict.map { try choice(ReviewBatchFilter.ModelVerdict.self, $0, option: "verdict") })
            let service = try ReviewService(store: run.store, runDirectory: run.url, settings: try ReviewService.storedSettings(run.store))
            let cli = ReviewerAccount(name: "cli", role: .admin, passwordHash: "", createdAt: service.now)
            let batch = try service.createBatch(name: name, filter: filter, by: cli)
            let counts = try run.store.reviewBatchCounts(batch)
            print("Batch \(batch.id) '\(batch.name)': \(filter.summary), \(counts.records) records now.")
        }
    }
}

struct ReviewStatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status", abstract: "Print review progress: statuses, rounds, reviewers and agreement.")

    @Argument(help: "A run directory (or its recipe file).")
    var target = "."

    func run() throws {
        let progress = try reportingErrors { () throws -> ReviewProgress in
            let run = try RunLocator.runDirectory(target)
            let service = try ReviewService(store: run.store, runDirectory: run.url, settings: try ReviewService.storedSettings(run.store))
            return try service.progress()
        }
        print("Records: " + ReviewStatus.allCases.map { "\($0.rawValue) \(progress.statuses[$0] ?? 0)" }.joined(separator: ", "))
        for round in progress.rounds {
            print("Round \(round.pass): \(round.accepted + round.rejected) passes (\(round.accepted) accepted, \(round.rejected) rejected)")
        }
        for reviewer in progress.reviewers {
            print("\(reviewer.name): \(reviewer.passes) passes, \(reviewer.accepted) accepted, \(reviewer.lastHour) in the last hour")
        }
        let agreement = progress.agreement
        if let fleiss = agreement.fleiss {
            print(String(format: "Fleiss' kappa %.3f over %d records with %d passes each", fleiss, agreement.fleissRecords, agreement.fleissRaters))
        }
        for pair in agreement.pairs {
            print("\(pair.first) · \(pair.second): \(pair.records) records in common, kappa \(pair.kappa.map { String(format: "%.3f", $0) } ?? "undefined")")
        }
    }
}
