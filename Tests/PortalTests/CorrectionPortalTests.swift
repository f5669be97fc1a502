import Batch
import Exact
import Foundation
import Hummingbird
import HummingbirdTesting
import Portal
import Store
import TestSupport
import Testing

/// A cadre's portal pages show a correction of a closed month: the paying month lists the
/// 补发/补扣 with source month and reason, the corrected month says it was corrected and
/// where the difference is paid.
struct CorrectionPortalTests {
    @Test func theCadrePageShowsTheCorrection() async throws {
        let f = try PortalFixture()
        func options(_ month: String, data: String) -> BatchOptions {
            BatchOptions(month: YearMonth(month)!, dataFolder: data, rulesFolder: PackagePaths.path("rules"),
                         storePath: f.root + "/jifen.sqlite", outFolder: f.root + "/out", actor: "测试", now: "2021-01-05T09:00:00Z")
        }
        let corrected = BatchCorrection(options: options("2020-11", data: PackagePaths.path("samples/2020-11-补报")),
                                        reason: "卧龙社区夜班记录关账后补报").run()
        #expect(corrected.runID != nil, "\(corrected.diagnostics.prefix(3))")
        let december = BatchRunner(options: options("2020-12", data: PackagePaths.path("samples/2020-12"))).run()
        #expect(december.carried?.corrections.count == 1)
        try await f.application().test(.router) { client in
            let staff = Browser(client)
            try await staff.login("张科长", PortalFixture.staffPassword)
            let paid = try await staff.get("/cadre/WL-004/2020-12")
            #expect(paid.status == .ok)
            #expect(paid.body.contains("<h2 id=\"corrections\">补发补扣</h2>"))
            #expect(paid.body.contains("<td>补发 2020年11月 夜班补贴</td><td class=\"n\">+200.00</td><td>卧龙社区夜班记录关账后补报（更正 #1）</td>"))
            let source = try await staff.get("/cadre/WL-004/2020-11")
            #expect(source.body.contains("本月关账后已更正"))
            #expect(source.body.contains("补发 2020年11月 夜班补贴 +200.00 元，原因：卧龙社区夜班记录关账后补报；在 2020-12 支付"))
        }
    }
}
