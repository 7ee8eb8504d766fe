import Database
import Foundation
import TestSupport
import Testing

@Suite struct GroupCommitTests {
    struct Refused: Error {}

    /// Many writers at once: each gets its own outcome, a failing one rolls back only itself,
    /// and every acknowledged write is there afterwards (in a new connection).
    @Test func groupedWritesKeepTheirOwnOutcomes() async throws {
        let folder = try TestFolder("oms-group")
        defer { try? FileManager.default.removeItem(at: folder.url) }
        let path = folder.url.appendingPathComponent("g.db").path
        let file = try await SQLiteFile.open(path: path)
        _ = try await file.write { try $0.query("CREATE TABLE t (n INTEGER PRIMARY KEY)") }
        let outcomes = await withTaskGroup(of: (Int, Bool).self) { group in
            for n in 0..<300 {
                group.addTask {
                    do {
                        try await file.groupWrite { connection in
                            _ = try connection.query("INSERT INTO t (n) VALUES (?)", [.integer(Int64(n))])
                            if n % 10 == 7 { throw Refused() }
                        }
                        return (n, true)
                    } catch {
                        return (n, false)
                    }
                }
            }
            return await group.reduce(into: [Int: Bool]()) { $0[$1.0] = $1.1 }
        }
        #expect(outcomes.count == 300)
        #expect(outcomes.filter { !$0.value }.keys.sorted() == (0..<300).filter { $0 % 10 == 7 })
        await file.close()

        let reopened = try await SQLiteFile.open(path: path)
        let rows = try await reopened.read("SELECT n FROM t ORDER BY n")
        let kept: [Int64] = (0..<300).filter { $0 % 10 != 7 }
        #expect(rows.compactMap { $0.column("n")?.integer } == kept)
        await reopened.close()
    }

    /// One-statement writes share commits without savepoints: a statement that fails (here a
    /// repeated key, and a CHECK) fails alone, and its neighbours in the group commit.
    @Test func groupedStatementsFailAlone() async throws {
        let folder = try TestFolder("oms-group")
        defer { try? FileManager.default.removeItem(at: folder.url) }
        let path = folder.url.appendingPathComponent("g.db").path
        let file = try await SQLiteFile.open(path: path)
        _ = try await file.write { connection in
            _ = try connection.query("CREATE TABLE t (n INTEGER PRIMARY KEY, m INTEGER CHECK (m % 10 <> 3))")
            _ = try connection.query("INSERT INTO t (n, m) VALUES (10000, 0)")
        }
        let outcomes = await withTaskGroup(of: (Int, Bool).self) { group in
            for n in 0..<300 {
                group.addTask {
                    do {
                        // n % 10 == 7 inserts a key that is there already; n % 10 == 3 breaks the CHECK.
                        let key = n % 10 == 7 ? 10_000 : n
                        let rows = try await file.groupWrite("INSERT INTO t (n, m) VALUES (?, ?) RETURNING n", [.integer(Int64(key)), .integer(Int64(n))])
                        return (n, rows.first?.column("n")?.integer == Int64(key))
                    } catch {
                        return (n, false)
                    }
                }
            }
            return await group.reduce(into: [Int: Bool]()) { $0[$1.0] = $1.1 }
        }
        #expect(outcomes.filter { !$0.value }.keys.sorted() == (0..<300).filter { $0 % 10 == 3 || $0 % 10 == 7 })
        await file.close()

        let reopened = try await SQLiteFile.open(path: path)
        let rows = try await reopened.read("SELECT n FROM t ORDER BY n")
        let kept: [Int64] = (0..<300).filter { $0 % 10 != 3 && $0 % 10 != 7 } + [10_000]
        #expect(rows.compactMap { $0.column("n")?.integer } == kept)
        await reopened.close()
    }
}
