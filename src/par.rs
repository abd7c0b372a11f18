//! Ordered parallel map for the loaders' per-file work (reading and parsing thousands of
//! migration files is independent per file; applying them stays sequential and in order).

/// `items.iter().map(f).collect()`, computed on up to [`MAX_THREADS`] scoped threads when
/// there are at least `2 * min_per_thread` items (a small project pays no thread start-up);
/// the results keep the items' order.
pub fn map_ordered<T, R, F>(items: &[T], min_per_thread: usize, f: F) -> Vec<R>
where
    T: Sync,
    R: Send,
    F: Fn(&T) -> R + Sync,
{
    let threads = std::thread::available_parallelism()
        .map_or(1, usize::from)
        .min(MAX_THREADS)
        .min(items.len() / min_per_thread.max(1));
    if threads <= 1 {
        return items.iter().map(f).collect();
    }
    let per = items.len().div_ceil(threads);
    let f = &f;
    std::thread::scope(|scope| {
        let handles: Vec<_> = items
            .chunks(per)
            .map(|chunk| scope.spawn(move || chunk.iter().map(f).collect::<Vec<R>>()))
            .collect();
        handles
            .into_iter()
            .flat_map(|h| match h.join() {
                Ok(part) => part,
                Err(panic) => std::panic::resume_unwind(panic),
            })
            .collect()
    })
}

/// The most threads [`map_ordered`] starts.
pub const MAX_THREADS: usize = 4;

#[cfg(test)]
mod tests {
    use super::map_ordered;

    #[test]
    fn keeps_the_order_of_the_items_whether_split_or_not() {
        let items: Vec<usize> = (0..1000).collect();
        let doubled: Vec<usize> = items.iter().map(|i| i * 2).collect();
        assert_eq!(map_ordered(&items, 10, |i| i * 2), doubled);
        assert_eq!(map_ordered(&items, 10_000, |i| i * 2), doubled);
        assert_eq!(map_ordered(&items[..0], 1, |i| i * 2), Vec::<usize>::new());
    }

    #[test]
    fn a_panic_in_a_worker_reaches_the_caller() {
        let items: Vec<usize> = (0..100).collect();
        let caught = std::panic::catch_unwind(|| {
            map_ordered(&items, 1, |&i| if i == 77 { panic!("item 77") } else { i })
        });
        assert!(caught.is_err());
    }
}
