//! [`LazyVec`]: a list that a store fills the first time it is read, so a dataset opened
//! from the embedded snapshot decodes its large tables (production figures, governance,
//! demand) only if a request reads them.

use schemars::{JsonSchema, Schema, SchemaGenerator};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::borrow::Cow;
use std::fmt;
use std::ops::{Deref, DerefMut};
use std::sync::{Arc, OnceLock};

/// Produces the list when it is first read.
pub type Loader<T> = Arc<dyn Fn() -> Vec<T> + Send + Sync>;

/// A `Vec<T>` read through `Deref`, either held or produced by a [`Loader`] on first
/// read (once, whatever the number of threads). It serialises, compares and prints as the
/// list itself.
pub struct LazyVec<T> {
    cell: OnceLock<Vec<T>>,
    loader: Option<Loader<T>>,
}

impl<T> LazyVec<T> {
    /// A list produced by `loader` the first time it is read.
    pub fn deferred(loader: Loader<T>) -> LazyVec<T> {
        LazyVec {
            cell: OnceLock::new(),
            loader: Some(loader),
        }
    }

    /// Whether the list has been produced (or was held from the start).
    pub fn is_loaded(&self) -> bool {
        self.cell.get().is_some()
    }

    fn get(&self) -> &Vec<T> {
        self.cell.get_or_init(|| match &self.loader {
            Some(load) => load(),
            None => Vec::new(),
        })
    }
}

impl<T> Deref for LazyVec<T> {
    type Target = Vec<T>;
    fn deref(&self) -> &Vec<T> {
        self.get()
    }
}

impl<T> DerefMut for LazyVec<T> {
    fn deref_mut(&mut self) -> &mut Vec<T> {
        self.get();
        self.cell.get_mut().expect("produced just above")
    }
}

impl<'a, T> IntoIterator for &'a LazyVec<T> {
    type Item = &'a T;
    type IntoIter = std::slice::Iter<'a, T>;
    fn into_iter(self) -> Self::IntoIter {
        self.get().iter()
    }
}

impl<'a, T> IntoIterator for &'a mut LazyVec<T> {
    type Item = &'a mut T;
    type IntoIter = std::slice::IterMut<'a, T>;
    fn into_iter(self) -> Self::IntoIter {
        self.deref_mut().iter_mut()
    }
}

impl<T> FromIterator<T> for LazyVec<T> {
    fn from_iter<I: IntoIterator<Item = T>>(iter: I) -> LazyVec<T> {
        iter.into_iter().collect::<Vec<T>>().into()
    }
}

impl<T> From<Vec<T>> for LazyVec<T> {
    fn from(v: Vec<T>) -> LazyVec<T> {
        LazyVec {
            cell: OnceLock::from(v),
            loader: None,
        }
    }
}

impl<T> Default for LazyVec<T> {
    fn default() -> LazyVec<T> {
        Vec::new().into()
    }
}

impl<T: Clone> Clone for LazyVec<T> {
    fn clone(&self) -> LazyVec<T> {
        match self.cell.get() {
            Some(v) => v.clone().into(),
            None => LazyVec {
                cell: OnceLock::new(),
                loader: self.loader.clone(),
            },
        }
    }
}

impl<T: PartialEq> PartialEq for LazyVec<T> {
    fn eq(&self, other: &LazyVec<T>) -> bool {
        self.get() == other.get()
    }
}

impl<T: fmt::Debug> fmt::Debug for LazyVec<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.get().fmt(f)
    }
}

impl<T: Serialize> Serialize for LazyVec<T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.get().serialize(s)
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for LazyVec<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<LazyVec<T>, D::Error> {
        Vec::<T>::deserialize(d).map(LazyVec::from)
    }
}

/// The schema of the list itself.
impl<T: JsonSchema> JsonSchema for LazyVec<T> {
    fn inline_schema() -> bool {
        <Vec<T>>::inline_schema()
    }
    fn schema_name() -> Cow<'static, str> {
        <Vec<T>>::schema_name()
    }
    fn schema_id() -> Cow<'static, str> {
        <Vec<T>>::schema_id()
    }
    fn json_schema(g: &mut SchemaGenerator) -> Schema {
        <Vec<T>>::json_schema(g)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[test]
    fn loads_once_on_first_read_and_equals_the_held_list() {
        let calls = Arc::new(AtomicUsize::new(0));
        let c = calls.clone();
        let lazy: LazyVec<u32> = LazyVec::deferred(Arc::new(move || {
            c.fetch_add(1, Ordering::SeqCst);
            vec![1, 2, 3]
        }));
        assert!(!lazy.is_loaded());
        assert_eq!(calls.load(Ordering::SeqCst), 0);
        assert_eq!(lazy.len(), 3);
        assert_eq!(lazy[2], 3);
        assert_eq!(calls.load(Ordering::SeqCst), 1);
        assert_eq!(lazy, LazyVec::from(vec![1, 2, 3]));
        let mut copy = lazy.clone();
        copy.push(4);
        assert_eq!(copy.len(), 4);
        assert_eq!(lazy.len(), 3);
        assert_eq!(serde_json::to_string(&lazy).unwrap(), "[1,2,3]");
    }
}
