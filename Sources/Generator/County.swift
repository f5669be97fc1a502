import Exact

/// A post in a community's 两委 (party branch and residents' committee) or its grid team.
public enum Post: String, Sendable, CaseIterable {
    case secretary = "书记"
    case director = "主任"
    case deputyDirector = "副主任"
    case member = "委员"
    case gridWorker = "网格员"

    /// The 三岗十八级 band of levels for the post (正职 7–18, 副职 4–15, others 1–12).
    var levels: ClosedRange<Int> {
        switch self {
        case .secretary, .director: 7...18
        case .deputyDirector: 4...15
        case .member, .gridWorker: 1...12
        }
    }

    var birthYears: ClosedRange<Int> {
        switch self {
        case .secretary, .director: 1965...1985
        case .deputyDirector, .member: 1970...1995
        case .gridWorker: 1980...2000
        }
    }
}

/// One generated cadre: the roster's fixed core.
struct GeneratedCadre {
    var id: String
    var idBytes: [UInt8]
    var name: String
    var idNumber: String
    var community: Int
    var grid: String?
    var post: Post
    var level: Int
    var hired: CivilDate
    var left: CivilDate?
    var bankAccount: String
    var bank: String
    var phone: String
    var deductionYuan: Int

    /// True when the cadre is employed on `day` (both ends inclusive).
    func isEmployed(on day: CivilDate) -> Bool {
        day >= hired && (left.map { day <= $0 } ?? true)
    }
}

/// A community and the contiguous slice of the roster that works there.
struct GeneratedCommunity {
    var name: String
    /// Prefix of 工号, 编号 and 户号 (`FM`, `SQ0001`).
    var code: String
    var codeBytes: [UInt8]
    var cadres: Range<Int>
    var buildings: Int
}

/// The communities and cadres a generation run works with.
struct County {
    var communities: [GeneratedCommunity] = []
    var cadres: [GeneratedCadre] = []

    /// The four Rongjiang resettlement communities of the samples, with one cadre who
    /// leaves on 2020-11-20 and one hired on 2020-12-14.
    static func rongjiang(_ rng: inout SeededGenerator, people: inout PersonFactory) -> County {
        var county = County()
        let plan: [(String, String, Int, Int)] = [
            ("富民", "FM", 12, 2), ("卧龙", "WL", 12, 1), ("阳光", "YG", 11, 2), ("特和", "TH", 13, 2),
        ]
        for (name, code, size, deputies) in plan {
            var posts: [Post] = [.secretary, .director]
            posts += Array(repeating: .deputyDirector, count: deputies)
            posts += [.member, .member]
            posts += Array(repeating: .gridWorker, count: size - posts.count)
            county.addCommunity(
                name: name, code: code, posts: posts, idWidth: 3, areas: [PersonFactory.rongjiang],
                hiredFrom: CivilDate(year: 2018, month: 3, day: 1)!,
                hiredTo: CivilDate(year: 2020, month: 9, day: 1)!, people: &people, &rng)
            let c = county.communities.count - 1
            if code == "WL" {
                // 卧龙's last grid worker leaves on 2020-11-20.
                county.cadres[county.communities[c].cadres.upperBound - 1].left =
                    CivilDate(year: 2020, month: 11, day: 20)!
            } else if code == "YG" {
                // 阳光 hires a grid worker on 2020-12-14.
                county.appendCadre(
                    toCommunity: c, post: .gridWorker, idWidth: 3, area: PersonFactory.rongjiang,
                    hired: CivilDate(year: 2020, month: 12, day: 14)!, people: &people, &rng)
            }
        }
        return county
    }

    /// A province-scale county of `cadreCount` cadres in communities of 12–15, a few hired
    /// or leaving during `month`.
    static func province(cadreCount: Int, month: YearMonth, _ rng: inout SeededGenerator) -> County {
        var county = County()
        var people = PersonFactory()
        var sizes: [Int] = []
        var remaining = cadreCount
        while remaining > 0 {
            let size = min(remaining, rng.uniform(in: 12...15))
            sizes.append(size)
            remaining -= size
        }
        // A short last community joins the one before it.
        if sizes.count > 1, let last = sizes.last, last < 12 {
            sizes.removeLast()
            sizes[sizes.count - 1] += last
        }
        let width = max(4, String(sizes.count).count)
        let idWidth = sizes.max().map { String($0).count } ?? 2
        for (i, size) in sizes.enumerated() {
            var number = String(i + 1)
            number = String(repeating: "0", count: width - number.count) + number
            var posts: [Post] = [.secretary, .director]
            if size >= 3 { posts.append(.deputyDirector) }
            if size >= 12 { posts.append(.deputyDirector) }
            if size >= 5 { posts += [.member, .member] }
            posts += Array(repeating: .gridWorker, count: max(0, size - posts.count))
            posts = Array(posts.prefix(size))
            county.addCommunity(
                name: "社区" + number, code: "SQ" + number, posts: posts, idWidth: max(2, idWidth),
                areas: PersonFactory.provinceAreas,
                hiredFrom: CivilDate(year: month.year - 4, month: 1, day: 1)!,
                hiredTo: month.firstDay.advanced(by: -30), people: &people, &rng)
        }
        // About one cadre in two hundred joins during the month and one in two hundred leaves.
        let first = month.firstDay
        for i in county.cadres.indices {
            let r = rng.uniform(1000)
            if r < 5 {
                county.cadres[i].hired = first.advanced(by: 1 + rng.uniform(month.dayCount - 1))
            } else if r < 10 {
                county.cadres[i].left = first.advanced(by: rng.uniform(month.dayCount - 1))
            }
        }
        return county
    }

    private mutating func addCommunity(
        name: String, code: String, posts: [Post], idWidth: Int, areas: [Int],
        hiredFrom: CivilDate, hiredTo: CivilDate, people: inout PersonFactory,
        _ rng: inout SeededGenerator
    ) {
        let start = cadres.count
        communities.append(
            GeneratedCommunity(
                name: name, code: code, codeBytes: Array(code.utf8), cadres: start..<start,
                buildings: rng.uniform(in: 12...30)))
        let c = communities.count - 1
        // Leaders arrived when the community opened; the others joined over the years since.
        let opened = hiredFrom.advanced(by: rng.uniform(90))
        for post in posts {
            let hired: CivilDate
            if post == .secretary || post == .director {
                hired = opened
            } else {
                hired = opened.advanced(by: rng.uniform(max(1, opened.distance(to: hiredTo))))
            }
            appendCadre(
                toCommunity: c, post: post, idWidth: idWidth, area: rng.pick(areas), hired: hired,
                people: &people, &rng)
        }
    }

    /// Inserts a new cadre at the end of community `c`'s slice (the next 工号 there),
    /// moving the later communities' cadres up by one; returns the new cadre's index.
    mutating func insertCadre(
        toCommunity c: Int, post: Post, idWidth: Int, area: Int, hired: CivilDate,
        people: inout PersonFactory, _ rng: inout SeededGenerator
    ) -> Int {
        var tail = County(communities: communities, cadres: Array(cadres[..<communities[c].cadres.upperBound]))
        tail.appendCadre(toCommunity: c, post: post, idWidth: idWidth, area: area, hired: hired, people: &people, &rng)
        let i = tail.cadres.count - 1
        cadres.insert(tail.cadres[i], at: i)
        communities[c].cadres = communities[c].cadres.lowerBound..<(i + 1)
        for k in communities.indices where k > c {
            communities[k].cadres = (communities[k].cadres.lowerBound + 1)..<(communities[k].cadres.upperBound + 1)
        }
        return i
    }

    private mutating func appendCadre(
        toCommunity c: Int, post: Post, idWidth: Int, area: Int, hired: CivilDate,
        people: inout PersonFactory, _ rng: inout SeededGenerator
    ) {
        let community = communities[c]
        // Appending to any but the last community would break the contiguous slices.
        precondition(community.cadres.upperBound == cadres.count, "cadres are appended in community order")
        let n = community.cadres.count + 1
        var number = String(n)
        number = String(repeating: "0", count: max(0, idWidth - number.count)) + number
        let id = community.code + "-" + number
        let person = people.make(&rng, area: area, bornFrom: post.birthYears.lowerBound, bornTo: post.birthYears.upperBound)
        var grid: String?
        if post == .gridWorker {
            let gridWorkersBefore = cadres[community.cadres].filter { $0.post == .gridWorker }.count
            grid = community.name + "-" + String(gridWorkersBefore + 1) + "网格"
        }
        cadres.append(
            GeneratedCadre(
                id: id, idBytes: Array(id.utf8), name: person.name, idNumber: person.idNumber,
                community: c, grid: grid, post: post, level: rng.uniform(in: post.levels), hired: hired,
                left: nil, bankAccount: person.bankAccount, bank: person.bank, phone: person.phone,
                deductionYuan: person.deductionYuan))
        communities[c].cadres = community.cadres.lowerBound..<cadres.count
    }
}
