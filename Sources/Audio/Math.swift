import Foundation

/// 10^x, kept in one place so the signal files need not import Foundation.
func _pow10(_ x: Double) -> Double { pow(10, x) }

/// Decibels of a power ratio, floored at -150 dB.
func decibels(power: Double) -> Double { power > 1e-15 ? 10 * log10(power) : -150 }
