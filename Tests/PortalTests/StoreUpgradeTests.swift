import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import Portal
import Store
import Testing
import TestSupport

/// The portal over a store an earlier main wrote (`Tests/CLITests/Fixtures/store-caebf9e`,
/// `store-7902ee3`): it migrates on open, its accounts still log in, and its objections and
/// adjustments show.
struct StoreUpgradeTests {
    @Test(arguments: ["store-caebf9e", "store-7902ee3"]) func thePortalServesAStoreAnEarlierMainWrote(_ fixture: String) async throws {
        let root = PackagePaths.temporaryDirectory("portal-upgrade-" + fixture)
        try FileManager.default.copyItem(atPath: PackagePaths.path("Tests/CLITests/Fixtures/\(fixture)/jifen.sqlite"), toPath: root + "/jifen.sqlite")
        let store = try RunStore(path: root + "/jifen.sqlite")
        let config = PortalConfig(store: store, outFolder: root + "/out", bcryptCost: 4,
                                  clock: PortalClock(fixedAt: Date(timeIntervalSince1970: 1_609_808_400)))
        var logger = Logger(label: "portal-upgrade")
        logger.logLevel = .warning
        let app = Application(router: PortalApplication.router(config), logger: logger)
        try await app.test(.router) { client in
            let staff = Browser(client)
            try await staff.login("张科长", "staff-pass-1")
            let queue = try await staff.get("/staff/objections")
            #expect(queue.status == .ok)
            #expect(queue.body.contains("待处理申诉（1）") && queue.body.contains("FM-002"), "\(queue.body)")
            // The adjustment the old portal accepted, included by run #5.
            #expect(queue.body.contains("+2 分") && queue.body.contains("运行 #5"), "\(queue.body)")
            let runs = try await staff.get("/staff")
            #expect(runs.status == .ok && runs.body.contains("2020-12"))
            // A cadre's page reads the converted result whole: lines, records, pay.
            let page = try await staff.get("/cadre/FM-001/2020-12")
            #expect(page.status == .ok)
            #expect(page.body.contains("88.5") && page.body.contains("第 ") && page.body.contains("工资条"), "\(page.body)")
        }
    }
}
