import Foundation

/// Gauss–Legendre quadrature with `n` nodes: exact for polynomials up to degree `2n − 1`, which is what the LSH
/// error integrals are (`1 − (1 − s^r)^b` has degree `r·b`). Nodes are found by Newton's method on the Legendre
/// recurrence.
struct GaussLegendre: Sendable {
    let nodes: [Double]
    let weights: [Double]

    init(points n: Int) {
        precondition(n >= 1)
        var nodes = [Double](repeating: 0, count: n)
        var weights = [Double](repeating: 0, count: n)
        for i in 0..<(n + 1) / 2 {
            // Tricomi's first guess for the i-th largest root.
            var x = cos(Double.pi * (Double(i) + 0.75) / (Double(n) + 0.5))
            var derivative = 0.0
            for _ in 0..<100 {
                var previous = 1.0
                var current = x
                for k in stride(from: 2, through: n, by: 1) {
                    let next = (Double(2 * k - 1) * x * current - Double(k - 1) * previous) / Double(k)
                    previous = current
                    current = next
                }
                // current = P_n(x), previous = P_{n-1}(x)
                derivative = Double(n) * (x * current - previous) / (x * x - 1)
                let step = current / derivative
                x -= step
                if abs(step) < 1e-16 { break }
            }
            let weight = 2 / ((1 - x * x) * derivative * derivative)
            nodes[i] = x
            weights[i] = weight
            nodes[n - 1 - i] = -x
            weights[n - 1 - i] = weight
        }
        self.nodes = nodes
        self.weights = weights
    }

    /// ∫ₐᵇ f(s) ds.
    func integrate(from a: Double, to b: Double, _ f: (Double) -> Double) -> Double {
        let half = (b - a) / 2
        let middle = (a + b) / 2
        var sum = 0.0
        for index in nodes.indices { sum += weights[index] * f(middle + half * nodes[index]) }
        return sum * half
    }
}
