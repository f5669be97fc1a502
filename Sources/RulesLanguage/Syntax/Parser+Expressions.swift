import Diagnostics
import Exact

extension RulesParser {
    /// Enters one level of nesting; past `maxDepth` the expression is abandoned with R0012.
    mutating func enter() throws {
        depth += 1
        if depth > Self.maxDepth {
            try fail(.nestingTooDeep(peek.span, limit: Self.maxDepth))
        }
    }

    /// A missing ）: unclosed when the line or block ended first, else something stray inside.
    mutating func failClosing(_ open: Token) throws -> Never {
        if atLineEnd || atKind(.rBrace) || (index > 0 && tokens[index - 1].kind == .newline) {
            try fail(.unclosedParenthesis(open.span, openedAt: open.span))
        }
        try fail(.expectedToken(peek.span, expected: .closeParen, found: peekKind))
    }

    /// expr = "若" expr "则" expr "否则" expr | or
    mutating func parseExpression() throws -> Expression {
        let saved = depth
        try enter()
        defer { depth = saved }
        if let t = eat(.if) {
            let condition = try parseExpression()
            skipNewlines()
            _ = try expect(.then)
            let a = try parseExpression()
            skipNewlines()
            _ = try expect(.else)
            let b = try parseExpression()
            return Expression(.conditional(condition, a, b), t.span.union(b.span))
        }
        return try parseBinary(minPrecedence: 1)
    }

    /// or  = and { "或" and }
    /// and = not { "且" not }
    /// sum = product { ( "+" | "-" ) product }
    /// product = unary { ( "×" | "÷" ) unary }
    mutating func parseBinary(minPrecedence: Int) throws -> Expression {
        var left = minPrecedence <= 3 ? try parseNotOrComparison(minPrecedence: minPrecedence) : try parseUnary()
        // Each operator of a chain deepens the tree by one level, which later passes (hashing,
        // formatting, freeing) walk recursively: a chain counts toward the nesting limit.
        let saved = depth
        defer { depth = saved }
        while let op = binaryOperator(), op.precedence >= minPrecedence {
            try enter()
            advance()
            skipNewlines()
            let right = try parseBinary(minPrecedence: op.precedence + 1)
            left = Expression(.binary(op, left, right), left.span.union(right.span))
        }
        return left
    }

    func binaryOperator() -> BinaryOperator? {
        switch peekKind {
        case .plus: .add
        case .minus: .subtract
        case .star: .multiply
        case .slash: .divide
        case .keyword(.and): .and
        case .keyword(.or): .or
        default: nil
        }
    }

    /// not = "非" not | comparison
    /// comparison = sum [ "属于" "（" expr { "、" expr } "）" ] | sum { compareOp sum }
    mutating func parseNotOrComparison(minPrecedence: Int) throws -> Expression {
        if minPrecedence <= 3, let t = eat(.not) {
            let saved = depth
            try enter()
            defer { depth = saved }
            let operand = try parseNotOrComparison(minPrecedence: 3)
            return Expression(.unary(.not, operand), t.span.union(operand.span))
        }
        if minPrecedence > 3 { return try parseBinary(minPrecedence: minPrecedence) }
        let first = try parseBinary(minPrecedence: 4)
        if eat(.in) != nil {
            let open = try expect(.lParen, .keyword(.in))
            var set: [Expression] = []
            while true {
                skipNewlines()
                if let close = eatKind(.rParen) {
                    return Expression(.membership(first, set), first.span.union(close.span))
                }
                if !set.isEmpty {
                    guard eatKind(.listComma) != nil || eatKind(.comma) != nil else {
                        try failClosing(open)
                    }
                    skipNewlines()
                }
                set.append(try parseBinary(minPrecedence: 4))
            }
        }
        var rest: [ComparisonLink] = []
        while let op = comparisonOperator() {
            advance()
            skipNewlines()
            rest.append(ComparisonLink(op, try parseBinary(minPrecedence: 4)))
        }
        if rest.isEmpty { return first }
        return Expression(.comparison(first: first, rest: rest), first.span.union(rest.last!.operand.span))
    }

    func comparisonOperator() -> ComparisonOperator? {
        switch peekKind {
        case .equal: .equal
        case .notEqual: .notEqual
        case .less: .less
        case .lessEqual: .lessEqual
        case .greater: .greater
        case .greaterEqual: .greaterEqual
        default: nil
        }
    }

    /// unary = "-" unary | primary
    mutating func parseUnary() throws -> Expression {
        if let t = eatKind(.minus) {
            let saved = depth
            try enter()
            defer { depth = saved }
            let operand = try parseUnary()
            return Expression(.unary(.negate, operand), t.span.union(operand.span))
        }
        return try parsePrimary()
    }

    /// primary = NUMBER [ unit | "%" ] | STRING | DATE | TIME | MONTH | "是" | "否" | "空" | "得分"
    ///         | "在岗天数" | "本月天数" | "本月入职" | "本月离职"
    ///         | NAME [ "（" [ expr { "，" expr } ] "）" ]
    ///         | aggregate [ "（" [ expr ] [ "来自" selection ] "）" ]
    ///         | builtin "（" expr { "，" expr } "）"
    ///         | "（" expr "）"
    mutating func parsePrimary() throws -> Expression {
        let t = peek
        switch t.kind {
        case .number(let value):
            advance()
            if let p = eatKind(.percent) {
                return Expression(.number(value, unit: .percent), t.span.union(p.span))
            }
            if let u = peek.keyword?.unit {
                return Expression(.number(value, unit: u), t.span.union(advance().span))
            }
            return Expression(.number(value, unit: nil), t.span)
        case .string(let s):
            advance()
            return Expression(.string(s), t.span)
        case .date(let d):
            advance()
            return Expression(.date(d), t.span)
        case .month(let m):
            advance()
            return Expression(.month(m), t.span)
        case .time(let time):
            advance()
            return Expression(.time(time), t.span)
        case .keyword(.yes), .keyword(.no):
            advance()
            return Expression(.boolean(t.keyword == .yes), t.span)
        case .keyword(.none):
            advance()
            return Expression(.none, t.span)
        case .keyword(.score):
            advance()
            return Expression(.score, t.span)
        case .keyword(.tier):
            advance()
            return Expression(.tier, t.span)
        case .keyword(.rank):
            advance()
            return Expression(.rank, t.span)
        case .identifier(let n):
            advance()
            let id = Identifier(name: n, span: t.span)
            if atKind(.lParen) {
                let (args, end) = try parseArguments()
                return Expression(.call(id, args), Span(start: t.span.start, end: end))
            }
            return Expression(.name(id), t.span)
        case .keyword(.veto) where inYear, .keyword(.month) where inYear:
            // 一票否决 and 月份 of a month, inside the annual article's 月数（…）.
            advance()
            return Expression(.name(Identifier(name: t.keyword == .veto ? YearWords.veto : YearWords.month, span: t.span)), t.span)
        case .keyword(let k) where (k == .atMost || k == .atLeast) && peek(1).kind == .lParen:
            // 最高（得分）, 最低（得分）: the highest and lowest of the months.
            advance()
            let (args, end) = try parseArguments()
            let id = Identifier(name: k == .atMost ? YearWords.highest : YearWords.lowest, span: t.span)
            return Expression(.call(id, args), Span(start: t.span.start, end: end))
        case .keyword(let k):
            if let value = CalendarValue.allCases.first(where: { $0.keyword == k }) {
                advance()
                return Expression(.calendar(value), t.span)
            }
            if let aggregate = Aggregate.allCases.first(where: { $0.keyword == k }) {
                advance()
                return try parseAggregate(aggregate, keyword: t)
            }
            if let builtin = Builtin.allCases.first(where: { $0.keyword == k }) {
                advance()
                guard atKind(.lParen) else { try fail(.expectedToken(peek.span, expected: .keyword(k), found: peekKind)) }
                let (args, end) = try parseArguments()
                return Expression(.builtin(builtin, args), Span(start: t.span.start, end: end))
            }
            if let id = nameToken(t) {
                advance()
                if atKind(.lParen) {
                    let (args, end) = try parseArguments()
                    return Expression(.call(id, args), Span(start: t.span.start, end: end))
                }
                return Expression(.name(id), t.span)
            }
            try fail(keywordError(t, inFormula: true) ?? .expectedExpression(t.span, found: t.kind))
        case .lParen:
            // The inner parseExpression counts this level.
            advance()
            skipNewlines()
            let inner = try parseExpression()
            skipNewlines()
            guard let close = eatKind(.rParen) else { try failClosing(t) }
            return Expression(.parenthesized(inner), t.span.union(close.span))
        default:
            try fail(.expectedExpression(t.span, found: t.kind))
        }
    }

    /// arguments = "（" [ expr { "，" expr } ] "）"
    mutating func parseArguments() throws -> ([Expression], Int) {
        let open = advance()
        var args: [Expression] = []
        while true {
            skipNewlines()
            if let close = eatKind(.rParen) { return (args, close.span.end) }
            if !args.isEmpty {
                guard eatKind(.comma) != nil || eatKind(.listComma) != nil else { try failClosing(open) }
                skipNewlines()
            }
            args.append(try parseExpression())
        }
    }

    /// aggregate = ( "条数" | "合计" | "天数" | "最大" | "最小" ) [ "（" [ expr ] [ "来自" selection ] "）" ]
    mutating func parseAggregate(_ aggregate: Aggregate, keyword: Token) throws -> Expression {
        guard let open = eatKind(.lParen) else {
            return Expression(.aggregate(aggregate, argument: nil, from: nil), keyword.span)
        }
        skipNewlines()
        var argument: Expression?
        var from: Selection?
        if !atKind(.rParen), !at(.from) { argument = try parseExpression() }
        skipNewlines()
        if let f = eat(.from) { from = try parseSelection(start: f.span.start) }
        skipNewlines()
        guard let close = eatKind(.rParen) else { try failClosing(open) }
        return Expression(.aggregate(aggregate, argument: argument, from: from), keyword.span.union(close.span))
    }
}
