import VaporCSQLite

/// Settings every SQLite connection of the process gets when it opens (the driver offers no hook of its
/// own, so they are registered with SQLite as an automatic extension, run by each `sqlite3_open`).
///
/// - `cache_size`: each connection keeps up to `cacheMiB` of the file's pages in memory (SQLite's default
///   is 2 MiB). At ten million dossiers a ranking's roll-up and gauge reads touch a few thousand pages
///   scattered over a file of 12 GB: with the default cache each is copied again from the kernel's page
///   cache on every request (a quarter of the dashboards' time in a profile). The cache is filled only
///   as pages are read, so a small database uses no more memory than before.
enum SQLiteConnectionSettings {
    /// The page cache of each connection, in MiB.
    static let cacheMiB = 32

    /// Registers the settings (once per process; SQLite ignores a second registration of the same entry point).
    static func install() {
        _ = installed
    }

    private static let installed: Bool = {
        let entry: @convention(c) (OpaquePointer?, UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?, OpaquePointer?) -> Int32 = { db, _, _ in
            sqlite_nio_sqlite3_exec(db, "PRAGMA cache_size = -\(SQLiteConnectionSettings.cacheMiB * 1024)", nil, nil, nil)
        }
        return sqlite_nio_sqlite3_auto_extension(unsafeBitCast(entry, to: (@convention(c) () -> Void).self)) == SQLITE_OK
    }()
}
