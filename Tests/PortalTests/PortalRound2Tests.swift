import Exact
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import NIOPosix
@testable import Portal
import Store
import Testing
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

/// The second outside review's findings (docs/portal.md): the review line over a cadre's
/// month, a connection cap, bounded log lines and request lines, busy logins told apart from
/// locks, closing during 公示, and an objection refused without losing what was typed.
@Suite struct PortalRound2Tests {
    static func addObjection(_ f: PortalFixture, cadre: String, _ reason: String) throws -> Int64 {
        let run = try #require(try f.store.currentRun(month: ObjectionAdjustmentTests.month))
        return try f.store.addObjection(NewObjection(runID: run.id, month: run.month, cadreID: cadre, reference: "tier", referenceLabel: "等次", reason: reason),
                                        at: "2021-01-05T02:00:00Z")
    }

    // MARK: - F10: the review line bounds the cadre's month

    /// One staff member accepts several objections of one cadre, each at the line: the first
    /// is stored at once, every further one of that cadre's month waits for a second staff
    /// member (points and amounts each against their line, by magnitude); another cadre's
    /// month is its own.
    @Test func theReviewLineBoundsACadresMonthNotEachAdjustment() async throws {
        let f = try ObjectionAdjustmentTests.fixture(rules: try ObjectionAdjustmentTests.rulesUsingAmounts())
        try f.store.publish(month: ObjectionAdjustmentTests.month, actor: "测试", at: "2021-01-05T01:00:00Z", objectionsUntil: "2021-01-12")
        let ids = try (1...5).map { try Self.addObjection(f, cadre: "FM-006", "请核实 \($0)") }
        let other = try Self.addObjection(f, cadre: "FM-002", "请核实")
        try await f.application().test(.router) { client async throws in
            let staff = Browser(client)
            try await staff.login("张科长", PortalFixture.staffPassword)
            func accept(_ id: Int64, points: String?, amount: String?) async throws -> Bool? {
                _ = try await staff.get("/staff/objections")
                var fields = [("decision", "adjustment"), ("reply", "采纳"), ("reason", "补记")]
                if let points { fields.append(("points", points)) }
                if let amount { fields.append(("amount", amount)) }
                let page = try await staff.post("/staff/objections/\(id)/decide", fields)
                #expect(page.status == .seeOther, "\(page.body)")
                return try f.store.adjustments(month: ObjectionAdjustmentTests.month).first { $0.objectionID == id }?.awaitingApproval
            }
            // At the line: alone.
            #expect(try await accept(ids[0], points: "+5", amount: "500") == false)
            // The month's total would be 10 points and 1,000 元: a second approval.
            #expect(try await accept(ids[1], points: "+5", amount: "500") == true)
            // A deduction counts by its size: it cannot cancel what awaits approval.
            #expect(try await accept(ids[2], points: "-1", amount: nil) == true)
            #expect(try await accept(ids[3], points: nil, amount: "-0.01") == true)
            let queue = try await staff.get("/staff/objections?done=\(ids[3])")
            #expect(queue.body.contains("须另一名工作人员"), "\(queue.body)")
            // Another cadre's month starts from nothing.
            #expect(try await accept(other, points: "+5", amount: "500") == false)
        }
        let alone = try f.store.adjustments(month: ObjectionAdjustmentTests.month).filter { !$0.awaitingApproval }
        #expect(alone.count == 2)
    }
}
