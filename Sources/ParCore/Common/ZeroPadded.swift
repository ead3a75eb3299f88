extension Int {
    /// The number in decimal, zero-padded on the left to `width` digits (`7.zeroPadded(2)` is "07"; wider
    /// numbers keep all their digits): what `String(format: "%02d")` gives, without parsing a format at
    /// each call (dates and dossier codes are written on every intake).
    public func zeroPadded(_ width: Int) -> String {
        let digits = String(magnitude)
        let sign = self < 0 ? "-" : ""   // counted in the width, as printf counts it
        return sign + String(repeating: "0", count: Swift.max(0, width - sign.count - digits.count)) + digits
    }
}
