import Foundation
import NIOConcurrencyHelpers
import Vapor

/// Progress of a long command (`index rebuild`, `import units`, `import procedures`, `backup`,
/// `restore`). On a terminal: one line redrawn in place, with a bar, the counts and the time left.
/// Otherwise (a log file, a pipe, CI): plain lines, at most one per 10 % or 5 seconds, that a log
/// keeps readable.
public final class CommandProgress: Sendable {
    let console: any Console
    let label: String
    let terminal: Bool
    let started = ContinuousClock.now
    private let last = NIOLockedValueBox<(percent: Int, at: ContinuousClock.Instant?, ended: Bool)>((-1, nil, false))

    public init(_ label: String, console: any Console, terminal: Bool = isatty(STDOUT_FILENO) == 1) {
        self.console = console
        self.label = label
        self.terminal = terminal
    }

    /// The line for `done` of `total` after `elapsed` seconds: counts, percentage and, once
    /// something is done, the time left at the pace so far.
    public static func line(_ label: String, done: Int, total: Int, elapsed: Double, bar: Bool) -> String {
        let fraction = total > 0 ? min(1, Double(done) / Double(total)) : 1
        let percent = Int((fraction * 100).rounded(.down))
        var text = "\(label): \(done)/\(total) (\(percent)%)"
        if bar {
            let filled = Int((fraction * 30).rounded(.down))
            text = "\(label) [" + String(repeating: "#", count: filled) + String(repeating: "-", count: 30 - filled) + "] \(done)/\(total) \(percent)%"
        }
        text += ", \(duration(elapsed))"
        if done > 0, done < total {
            text += ", about \(duration(elapsed * Double(total - done) / Double(done))) left"
        }
        return text
    }

    static func duration(_ seconds: Double) -> String {
        let s = Int(seconds.rounded())
        return s < 60 ? "\(s) s" : s < 3600 ? "\(s / 60) min \(s % 60) s" : "\(s / 3600) h \(s % 3600 / 60) min"
    }

    var elapsed: Double {
        let d = ContinuousClock.now - started
        return Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    }

    /// Reports `done` of `total`.
    public func update(_ done: Int, _ total: Int) {
        let now = ContinuousClock.now
        let fraction = total > 0 ? Double(done) / Double(total) : 1
        let finished = done >= total
        let show: Bool = last.withLockedValue { state in
            guard !state.ended else { return false }
            let percent = Int(fraction * 100)
            let due = terminal || finished || percent / 10 > state.percent / 10
                || state.at.map { now - $0 >= .seconds(5) } ?? true
            if due { state = (percent, now, finished) }
            return due
        }
        guard show else { return }
        if terminal {
            console.output(("\r" + Self.line(label, done: done, total: total, elapsed: elapsed, bar: true)).consoleText(), newLine: finished)
        } else {
            console.print(Self.line(label, done: done, total: total, elapsed: elapsed, bar: false))
        }
    }

    /// Runs `body` (with no counts to report: a backup, a restore), printing the time so far every
    /// 5 seconds, and the total at the end.
    public func heartbeat<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) async throws -> T {
        let ticker = Task { [self] in
            while !Task.isCancelled {
                try await Task.sleep(for: .seconds(5))
                console.print("\(label): \(Self.duration(elapsed)) so far")
            }
        }
        defer { ticker.cancel() }
        let result = try await body()
        console.print("\(label): done in \(Self.duration(elapsed))")
        return result
    }
}
