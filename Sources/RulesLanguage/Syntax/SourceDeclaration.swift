import Diagnostics

/// `数据源 值班 （文件 “值班”） { 班次：枚举（白班、夜班） … }`: an activity file and its typed fields.
public struct SourceDeclaration: Sendable, Hashable {
    public var name: Identifier
    public var attributes: Attributes
    public var fields: [FieldDeclaration]
    public var span: Span
}

/// `班次：枚举（白班、晚班、夜班、节假日）`, `备注：文本，可空`, `学时：小数，最低 0.01，最高 24`.
public struct FieldDeclaration: Sendable, Hashable {
    public var name: Identifier
    public var type: FieldType
    public var isOptional: Bool
    public var span: Span
    /// `最低 0.01`: the least value a cell may hold (a number column's range, both ends in).
    public var minimum: Expression? = nil
    /// `最高 24`: the greatest.
    public var maximum: Expression? = nil
}

public struct FieldType: Sendable, Hashable {
    public enum Kind: Sendable, Hashable {
        case text, integer, decimal, date, time, money, boolean, points, days, count
        case enumeration([Identifier])
    }
    public var kind: Kind
    public var span: Span
}
