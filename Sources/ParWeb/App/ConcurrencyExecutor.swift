import NIOCore
import NIOPosix

/// Runs Swift Concurrency's jobs on SwiftNIO's event loops (`MultiThreadedEventLoopGroup.singleton`,
/// the group Vapor serves on), as Vapor's own template does. Without it, every `await` on a
/// database future resumes on Concurrency's separate thread pool: a statement costs two extra
/// thread wake-ups (the event loop hands the result over, the pool picks it up), and an intake runs
/// eighteen statements (docs/performance.md, "Dossier intake").
///
/// Call it once, first thing in `main`, before any task is created (`parhub` and `parhub-bench`
/// do). Swift tests do not call it and run on the default executor; the browser, fuzz and durability
/// stages run `parhub`, so both executors stay exercised. Nothing in ParHub may block a thread in an
/// async function (stored files are written and read on the thread pool, `Request.putFile`/`readFile`;
/// passwords are hashed there), as the event loops now run those functions too.
public enum ConcurrencyExecutor {
    /// Installs the event loops as the global executor; false if that was not possible (another
    /// hook is installed, or the runtime does not support it), and the default executor stays.
    @discardableResult
    public static func useEventLoops() -> Bool {
        NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()
    }
}
