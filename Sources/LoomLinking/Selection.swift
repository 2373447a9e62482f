/// Quickselect: the k-th largest of an array's values in expected linear time, reordering the array.
enum Selection {
    /// The `k`-th largest value of `values` (1-based; `k ≤ values.count`).
    static func kthLargest(_ values: inout [Double], _ k: Int) -> Double {
        precondition(k >= 1 && k <= values.count)
        var low = 0
        var high = values.count - 1
        let target = k - 1
        return values.withUnsafeMutableBufferPointer { buffer in
            while low < high {
                // Median of three as the pivot keeps sorted input from being quadratic.
                let middle = low + (high - low) / 2
                let pivot = max(min(buffer[low], buffer[middle]), min(max(buffer[low], buffer[middle]), buffer[high]))
                var i = low
                var j = high
                while i <= j {
                    while buffer[i] > pivot { i += 1 }
                    while buffer[j] < pivot { j -= 1 }
                    if i <= j {
                        buffer.swapAt(i, j)
                        i += 1
                        j -= 1
                    }
                }
                if target <= j {
                    high = j
                } else if target >= i {
                    low = i
                } else {
                    return buffer[target]
                }
            }
            return buffer[target]
        }
    }

    /// The `k`-th largest positive value of `values`, or 0 when fewer than `k` are positive. One pass with a
    /// min-heap of `k` values: most values fail the first comparison.
    static func kthLargestPositive<Values: Sequence>(_ values: Values, _ k: Int) -> Values.Element
    where Values.Element: FloatingPoint {
        var heap: [Values.Element] = []
        heap.reserveCapacity(k)
        for value in values where value > 0 {
            if heap.count < k {
                heap.append(value)
                var child = heap.count - 1
                while child > 0 {
                    let parent = (child - 1) / 2
                    guard heap[child] < heap[parent] else { break }
                    heap.swapAt(child, parent)
                    child = parent
                }
            } else if value > heap[0] {
                heap[0] = value
                var parent = 0
                while true {
                    let left = 2 * parent + 1
                    guard left < k else { break }
                    let right = left + 1
                    let smaller = right < k && heap[right] < heap[left] ? right : left
                    guard heap[smaller] < heap[parent] else { break }
                    heap.swapAt(smaller, parent)
                    parent = smaller
                }
            }
        }
        return heap.count == k ? heap[0] : 0
    }
}
