import Diagnostics
import Foundation
import Testing

@testable import RulesLanguage

@Suite("Formatter")
struct FormatterTests {
    /// A file as a clerk might type it: mixed widths, glued punctuation, odd spacing, comments.
    let untidy = """
        # 第五条
        积分项 夜间值班(依据 第五条第一款){   # 夜班
        取 值班 其中 班次=夜班 且 状态 属于(到岗,替班)
              每条 2分,每月上限 20分
        }
        等次评定{
        优秀:得分>=90分,名额 20% 按 社区


        不称职:其余
        排序 得分 从高到低,工号 从低到高
        }
        参数 分值{自2020年10月1日起 15元
        自 2021/1/1 起:18元}
        应发项 绩效工资=得分*分值{舍入 到元}
        """

    @Test("writes the canonical layout (golden)")
    func golden() throws {
        let out = RulesFormatter.format(SourceFile(path: "x.jifen", text: untidy))
        try assertSnapshot("fmt-untidy", source: untidy, output: out)
    }

    @Test("is idempotent and keeps the tree and the comments")
    func idempotent() {
        let source = SourceFile(path: "x.jifen", text: untidy)
        let once = RulesFormatter.format(source)
        #expect(RulesFormatter.format(SourceFile(path: "x.jifen", text: once)) == once)
        let (a, _) = RulesParser.parse(file: source)
        let (b, _) = RulesParser.parse(file: SourceFile(path: "x.jifen", text: once))
        #expect(spanless(a) == spanless(b))
        #expect(b.comments.map(\.text) == ["第五条", "夜班"])
    }

    @Test("an English file stays English")
    func english() {
        let text = "item night (per art_5) {\n take duty where shift = night\n each 2 pt , monthly_cap 20 pt }\n"
        let out = RulesFormatter.format(SourceFile(path: "x.jifen", text: text))
        #expect(out == "item night (per art_5) {\n  take duty where shift = night\n  each 2 pt\n  monthly_cap 20 pt\n}\n")
    }

    /// A source field's range (`，最低 0.01，最高 24`) is written back in one order, after the
    /// type and before 可空, and a second pass changes nothing.
    @Test("writes a field's range back, in either spelling")
    func fieldRange() {
        let text = "数据源 学习 （文件 “学习”） {\n  学时:小数,可空,最高 24 ,最低 -1.5\n  次数：次数型，最低 0\n}\n"
        let once = RulesFormatter.format(SourceFile(path: "x.jifen", text: text))
        #expect(once == "数据源 学习 （文件 “学习”） {\n  学时：小数，最低 -1.5，最高 24，可空\n  次数：次数型，最低 0\n}\n", "\(once)")
        #expect(RulesFormatter.format(SourceFile(path: "x.jifen", text: once)) == once)
        let (file, diagnostics) = RulesParser.parse(file: SourceFile(path: "x.jifen", text: once))
        #expect(diagnostics.isEmpty)
        guard case .source(let s)? = file.declarations.first else {
            Issue.record("no source")
            return
        }
        #expect(s.fields[0].isOptional && s.fields[0].minimum != nil && s.fields[0].maximum != nil && s.fields[1].maximum == nil)
        let english = RulesFormatter.format(SourceFile(path: "x.jifen", text: "source study {\n hours: decimal, at_least 0, at_most 24, optional\n}\n"))
        #expect(english == "source study {\n  hours: decimal, at_least 0, at_most 24, optional\n}\n", "\(english)")
    }

    @Test("leaves a file with syntax errors untouched")
    func brokenFileUntouched() {
        let text = "积分项 甲 {\n  每条 （2 分\n"
        #expect(RulesFormatter.format(SourceFile(path: "x.jifen", text: text)) == text)
    }
}
