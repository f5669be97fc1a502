/// How a value loses places. Every rounding in jifen names one of these.
public enum Rounding: String, Sendable, Hashable, CaseIterable, Codable {
    /// 四舍五入: half away from zero (the default for money).
    case halfUp
    /// 银行家舍入: half to even.
    case halfEven
    /// 舍去 / 截尾: toward zero.
    case down
    /// 进一 / 进位: away from zero.
    case up
    /// 向下取整: toward negative infinity.
    case floor
    /// 向上取整: toward positive infinity.
    case ceiling

    /// `numerator / denominator` rounded by this rule; `denominator` must not be zero.
    public func divide<T: BinaryInteger>(_ numerator: T, by denominator: T) -> T {
        let q = numerator / denominator
        let r = numerator % denominator
        if r == 0 { return q }
        // Sign of the exact quotient.
        let positive = (numerator < 0) == (denominator < 0)
        let awayFromZero: T = positive ? 1 : -1
        let twiceR = r.magnitude * 2
        let d = denominator.magnitude
        switch self {
        case .down: return q
        case .up: return q + awayFromZero
        case .floor: return positive ? q : q - 1
        case .ceiling: return positive ? q + 1 : q
        case .halfUp: return twiceR >= d ? q + awayFromZero : q
        case .halfEven:
            if twiceR > d { return q + awayFromZero }
            if twiceR < d { return q }
            return q % 2 == 0 ? q : q + awayFromZero
        }
    }

    /// The name a clerk reads in an explanation.
    public var chineseName: String {
        switch self {
        case .halfUp: "四舍五入"
        case .halfEven: "银行家舍入"
        case .down: "舍去"
        case .up: "进一"
        case .floor: "向下取整"
        case .ceiling: "向上取整"
        }
    }
}
