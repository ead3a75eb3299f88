import Foundation
import Testing
@testable import ParCore

@Suite("Vietnamese text")
struct VietnameseTextTests {
    @Test("clean NFC-normalises, trims, folds spaces and drops invisible characters", arguments: [
        ("Phu\u{031B}o\u{031B}\u{0300}ng Ba \u{0110}i\u{0300}nh", "Phường Ba Đình"),
        ("  Sở   Tư\tpháp  ", "Sở Tư pháp"),
        ("Xã\u{200B} Kim\u{202E} Anh", "Xã Kim Anh"),
        ("\u{FEFF}Hà Nội", "Hà Nội"),
    ])
    func clean(input: String, expected: String) {
        let cleaned = VietnameseText.clean(input)
        #expect(cleaned == expected)
        #expect(Array(cleaned.unicodeScalars) == Array(expected.unicodeScalars))
    }

    @Test("the one-pass check agrees with the long way: text it calls clean comes back unchanged, the rest is cleaned", arguments: [
        ("Nguyễn Thị Hồng Nhung", true), ("Số 12, ngõ 34 Đường Láng, Đống Đa", true), ("Ông Trần Văn Ơn ưng ý", true), ("", true),
        ("a@b.vn +84 912 345 678", true), ("Việt Nam – Hà Nội", false), (" Hà Nội", false), ("Hà Nội ", false), ("Hà  Nội", false),
        ("Hà\tNội", false), ("Hà\u{00A0}Nội", false), ("Ha\u{0300} Nội", false), ("Xã\u{200B} Kim", false), ("\u{212B}ngström", false),
        ("Tiếng Việt 漢字", false), (" ", false),
    ])
    func oneWay(input: String, clean: Bool) {
        #expect(VietnameseText.isClean(input) == clean)
        let long = VietnameseText.cleaned(input)
        #expect(Array(VietnameseText.clean(input).unicodeScalars) == Array(long.unicodeScalars))
        if clean { #expect(Array(long.unicodeScalars) == Array(input.unicodeScalars), "what the check passes, the long way leaves as it is") }
    }

    @Test("search keys scalar by scalar equal the long way, for every scalar the one-pass check lets through and for texts made of them")
    func searchKeysOneWay() {
        let letters = (Array(0x21...0x7E) + Array(0xA1...0x2FF) + Array(0x1E00...0x1EFF)).map { String(Character(Unicode.Scalar(UInt32($0))!)) }
        for letter in letters { #expect(VietnameseText.searchKey(letter) == VietnameseText.longSearchKey(letter), "\(letter.unicodeScalars.first!.value)") }
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<300 {
            let words = (0..<Int.random(in: 1...5, using: &generator)).map { _ in
                (0..<Int.random(in: 1...8, using: &generator)).map { _ in letters.randomElement(using: &generator)! }.joined()
            }
            let text = words.joined(separator: " ")
            #expect(VietnameseText.isClean(text))
            #expect(VietnameseText.searchKey(text) == VietnameseText.longSearchKey(text), "\(text)")
        }
        for text in ["Hà  Nội", " Đống Đa", "Ha\u{0300} Nội", "İstanbul Ơn Ưng"] {
            #expect(VietnameseText.searchKey(text) == VietnameseText.longSearchKey(text), "\(text)")
        }
    }

    @Test("search keys ignore case, tones and đ", arguments: [
        ("Phường Ba Đình", "phuong ba dinh"),
        ("PHƯỜNG BA ĐÌNH", "phuong ba dinh"),
        ("Sở Nông nghiệp và Môi trường", "so nong nghiep va moi truong"),
        ("Xã Ô Diên", "xa o dien"),
    ])
    func searchKey(input: String, expected: String) {
        #expect(VietnameseText.searchKey(input) == expected)
    }
}

@Suite("Vietnamese alphabetical order")
struct VietnameseCollationTests {
    @Test("names sort as a Vietnamese reader expects: ă and â after a, đ after d, ô and ơ after o, ư after u")
    func order() {
        let names = ["Xuất bản", "Đất đai", "Dân tộc", "Ưu đãi", "Uỷ quyền", "Ơn", "Ô tô", "Oanh", "Ăn", "Ân", "An", "Bảo hiểm", "Đăng ký"]
        #expect(names.sorted(by: VietnameseText.precedes) == ["An", "Ăn", "Ân", "Bảo hiểm", "Dân tộc", "Đăng ký", "Đất đai", "Oanh", "Ô tô", "Ơn",
                                                              "Uỷ quyền", "Ưu đãi", "Xuất bản"])
    }
}
