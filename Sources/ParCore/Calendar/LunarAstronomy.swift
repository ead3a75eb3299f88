import Foundation

/// The two astronomical quantities the lunisolar calendar needs: when new moons
/// happen and where the Sun is on the ecliptic.
///
/// These are the truncated series of Jean Meeus, *Astronomical Algorithms* (2nd ed.,
/// 1998; ch. 49 for new moons, ch. 25 for the Sun), with the coefficients used by
/// Hồ Ngọc Đức's Vietnamese calendar algorithm ("Âm lịch Việt Nam", 2006), the usual
/// reference for Vietnamese calendar software. Accuracy is a minute or two, which only
/// matters when a new moon falls within minutes of local midnight: against the PyEphem
/// ephemeris, 3 of the 2 498 month starts of 1899–2100 differ by a day (5/1944, 11/2072,
/// 10/2077; new moons within 90 s of midnight), and no Tết, Hùng Kings' day or leap month.
enum LunarAstronomy {
    /// Mean synodic month, in days.
    static let synodicMonth = 29.530588853
    /// Julian Date of the new moon of 1900-01-01 13:52 UT, new moon number 0.
    static let newMoonEpoch = 2_415_021.076998695

    private static let degree = Double.pi / 180

    /// Julian Date (UT) of new moon number `k` (0 = the new moon of 1 January 1900).
    static func newMoon(_ k: Int) -> Double {
        let k = Double(k)
        let t = k / 1236.85 // Julian centuries since 1900 January 0.5
        let t2 = t * t
        let t3 = t2 * t
        var jd = 2_415_020.75933 + 29.53058868 * k + 0.0001178 * t2 - 0.000000155 * t3
        jd += 0.00033 * sin((166.56 + 132.87 * t - 0.009173 * t2) * degree)
        let sunAnomaly = (359.2242 + 29.10535608 * k - 0.0000333 * t2 - 0.00000347 * t3) * degree
        let moonAnomaly = (306.0253 + 385.81691806 * k + 0.0107306 * t2 + 0.00001236 * t3) * degree
        let moonLatitude = (21.2964 + 390.67050646 * k - 0.0016528 * t2 - 0.00000239 * t3) * degree
        var correction = (0.1734 - 0.000393 * t) * sin(sunAnomaly) + 0.0021 * sin(2 * sunAnomaly)
        correction -= 0.4068 * sin(moonAnomaly) - 0.0161 * sin(2 * moonAnomaly)
        correction -= 0.0004 * sin(3 * moonAnomaly)
        correction += 0.0104 * sin(2 * moonLatitude) - 0.0051 * sin(sunAnomaly + moonAnomaly)
        correction -= 0.0074 * sin(sunAnomaly - moonAnomaly) - 0.0004 * sin(2 * moonLatitude + sunAnomaly)
        correction -= 0.0004 * sin(2 * moonLatitude - sunAnomaly) + 0.0006 * sin(2 * moonLatitude + moonAnomaly)
        correction += 0.0010 * sin(2 * moonLatitude - moonAnomaly) + 0.0005 * sin(2 * moonAnomaly + sunAnomaly)
        // ΔT (TT − UT), in days: the series gives dynamical time, the calendar needs civil time.
        let deltaT = t < -11
            ? 0.001 + 0.000839 * t + 0.0002261 * t2 - 0.00000845 * t3 - 0.000000081 * t * t3
            : -0.000278 + 0.000265 * t + 0.000262 * t2
        return jd + correction - deltaT
    }

    /// The Sun's true ecliptic longitude at Julian Date `jd`, in radians in `0..<2π`.
    static func sunLongitude(_ jd: Double) -> Double {
        let t = (jd - 2_451_545.0) / 36_525 // Julian centuries since J2000.0
        let t2 = t * t
        let meanAnomaly = (357.52910 + 35_999.05030 * t - 0.0001559 * t2 - 0.00000048 * t * t2) * degree
        let meanLongitude = 280.46645 + 36_000.76983 * t + 0.0003032 * t2
        var centre = (1.914600 - 0.004817 * t - 0.000014 * t2) * sin(meanAnomaly)
        centre += (0.019993 - 0.000101 * t) * sin(2 * meanAnomaly) + 0.000290 * sin(3 * meanAnomaly)
        let longitude = (meanLongitude + centre) * degree
        let turn = 2 * Double.pi
        return longitude - turn * (longitude / turn).rounded(.down)
    }
}
