import Foundation
import Testing
import TestSupport

/// docs/architecture.md states, for every module, what it depends on; this test reads the
/// `import` lines of each module's sources and fails when the two differ, so the table stays
/// true to the code.
struct ModuleTableTests {
    /// Modules of the toolchain and the system, never listed.
    static let system: Set<String> = ["Foundation", "FoundationEssentials", "Dispatch", "Glibc", "Darwin", "Testing", "XCTest", "Synchronization", "os"]

    /// `module → stated dependencies` from the table's rows (`| \`Batch\` | … | Store, Pay |`).
    static func table() throws -> [String: Set<String>] {
        let doc = try String(contentsOfFile: PackagePaths.path("docs/architecture.md"), encoding: .utf8)
        var rows: [String: Set<String>] = [:]
        for line in doc.split(separator: "\n") where line.hasPrefix("| `") {
            let cells = line.split(separator: "|", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            guard cells.count >= 4, cells[1].hasPrefix("`"), cells[1].hasSuffix("`") else { continue }
            let module = String(cells[1].dropFirst().dropLast())
            let stated = cells[cells.count - 2]
            rows[module] = stated == "—" ? [] : Set(stated.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty })
        }
        return rows
    }

    /// The modules a Swift target's sources import; nil for a target with no Swift sources.
    static func imports(of module: String) throws -> Set<String>? {
        let root = PackagePaths.path("Sources/" + module)
        guard let files = FileManager.default.enumerator(atPath: root)?.compactMap({ $0 as? String }).filter({ $0.hasSuffix(".swift") }), !files.isEmpty else {
            return nil
        }
        var found: Set<String> = []
        for file in files {
            let text = try String(contentsOfFile: root + "/" + file, encoding: .utf8)
            for line in text.split(separator: "\n") {
                let words = line.split(separator: " ").map(String.init)
                guard let i = words.firstIndex(of: "import"), words[..<i].allSatisfy({ $0.hasPrefix("@") }), i + 1 < words.count else { continue }
                let name = words[i + 1].split(separator: ".").first.map(String.init) ?? words[i + 1]
                if !system.contains(name) { found.insert(name) }
            }
        }
        return found
    }

    @Test func everySwiftModuleImportsExactlyWhatTheTableStates() throws {
        let table = try Self.table()
        let modules = try FileManager.default.contentsOfDirectory(atPath: PackagePaths.path("Sources")).filter { !$0.hasPrefix(".") }
        var checked = 0
        for module in modules.sorted() {
            guard let imported = try Self.imports(of: module) else { continue }
            let stated = try #require(table[module] ?? table[module + "/"], "docs/architecture.md has no row for \(module)")
            #expect(imported == stated, """
                \(module): the code imports \(imported.sorted()), the table states \(stated.sorted()); \
                missing from the table: \(imported.subtracting(stated).sorted()), not imported: \(stated.subtracting(imported).sorted())
                """)
            checked += 1
        }
        #expect(checked >= 12)
    }
}
