import Leaf
import LeafKit

/// `#tr("Tiếng Việt", "English")`: the text in the page language (`layout.en`), so a
/// template keeps both languages side by side where they are used.
struct TranslateTag: LeafTag {
    func render(_ ctx: LeafContext) throws -> LeafData {
        guard ctx.parameters.count == 2, let vi = ctx.parameters[0].string, let en = ctx.parameters[1].string else {
            throw LeafError(.unknownError("#tr needs two strings: Vietnamese, English"))
        }
        let english = ctx.data["layout"]?.dictionary?["en"]?.bool ?? false
        return .string(english ? en : vi)
    }
}
