import Batch
import Exact
import Foundation
import HummingbirdTesting
import Portal
import Store
import TestSupport
import Testing

/// A month whose run carried an earlier month's superseded year to date cannot be published
/// or closed from the portal either (S0024): the store refuses, and the page says to re-run it.
struct StaleMonthPortalTests {
    @Test func aStaleMonthIsNeitherPublishedNorClosedFromThePortal() async throws {
        let f = try PortalFixture()
        // November reopened and run again, with a forgotten 5,000 yuan, after December was run:
        // December is stale.
        try f.store.reopen(month: YearMonth("2020-11")!, actor: "测试", at: "2021-01-05T01:00:00Z", reason: "补录服务记录")
        let november = try YearToDatePortalData.changed("2020-11", root: f.root)
        let options = BatchOptions(month: YearMonth("2020-11")!, dataFolder: november, rulesFolder: PackagePaths.path("rules"),
                                   storePath: f.store.path, outFolder: f.root + "/out", actor: "测试", now: "2021-01-05T02:00:00Z")
        let rerun = BatchRunner(options: options).run()
        #expect(rerun.staleMonths.map(\.description) == ["2020-12"], "\(rerun.diagnostics.map(\.code))")
        try await f.application().test(.router) { client in
            let staff = Browser(client)
            try await staff.login("张科长", PortalFixture.staffPassword)
            #expect(try await staff.get("/staff").status == .ok)
            let publish = try await staff.post("/staff/runs/2020-12/publish", [("days", "5")])
            #expect(publish.status == .conflict)
            #expect(publish.body.contains("2020年12月的运行") && publish.body.contains("已过期") && publish.body.contains("重新计算"), "\(publish.body)")
            let close = try await staff.post("/staff/runs/2020-12/close", [("confirm", "1")])
            #expect(close.status == .conflict && close.body.contains("已过期"), "\(close.body)")
        }
        #expect(try f.store.currentRun(month: YearMonth("2020-12")!)?.state == .draft)
    }
}

enum YearToDatePortalData {
    /// A copy of a sample month with one more paid adjustment (FM-002, 5,000 yuan).
    static func changed(_ month: String, root: String) throws -> String {
        let folder = root + "/data-" + month
        try FileManager.default.copyItem(atPath: PackagePaths.path("samples/" + month), toPath: folder)
        let file = folder + "/adjustments.csv"
        let text = try String(contentsOfFile: file, encoding: .utf8)
        try (text + "FM-002,值班补助,,5000.00,漏发的加班补助补发,吴荣春\n").write(toFile: file, atomically: true, encoding: .utf8)
        return folder
    }
}
