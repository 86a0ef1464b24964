//! Searching, sorting and threading on the server.

use futures_util::io::{AsyncRead, AsyncWrite};
use webimap_proto::types::{
    command::{Command, SearchKey, SearchReturn, SortCriterion, ThreadAlgorithm},
    core::Vec1,
    response::{Data, ESearchItem, Thread},
};

use super::Client;
use crate::error::{ClientError, Unexpected};

/// Largest result expanded from an ESEARCH `ALL` set.
const MAX_RESULTS: usize = 10_000_000;

impl<S: AsyncRead + AsyncWrite + Unpin> Client<S> {
    /// UIDs of the messages in the selected folder that match all `criteria` (ESEARCH
    /// where offered: a compact answer).
    pub async fn search(&mut self, criteria: Vec<SearchKey>) -> Result<Vec<u32>, ClientError> {
        let esearch = self.supports("ESEARCH");
        let returns = esearch.then(|| vec![SearchReturn::All]);
        let response = self
            .conn
            .execute(Command::Search {
                criteria,
                uid: true,
                returns,
            })
            .await?;
        let mut uids = Vec::new();
        for data in response.data {
            match data {
                Data::Search { ids, .. } => uids.extend(ids),
                Data::ESearch(e) => {
                    for item in e.items {
                        if let ESearchItem::All(set) = item {
                            let numbers = set
                                .to_numbers(u32::MAX, MAX_RESULTS)
                                .ok_or(ClientError::Unexpected(Unexpected::TooManyResults))?;
                            uids.extend(numbers);
                        }
                    }
                }
                _ => {}
            }
        }
        uids.sort_unstable();
        uids.dedup();
        Ok(uids)
    }

    /// UIDs in the server's sort order (SORT extension).
    pub async fn sort(
        &mut self,
        criteria: Vec<SortCriterion>,
        search: Vec<SearchKey>,
    ) -> Result<Vec<u32>, ClientError> {
        if !self.supports("SORT") {
            return Err(ClientError::Unsupported("SORT".into()));
        }
        let response = self
            .conn
            .execute(Command::Sort {
                criteria: Vec1::new(criteria)?,
                search,
                uid: true,
            })
            .await?;
        Ok(response
            .data
            .into_iter()
            .flat_map(|d| match d {
                Data::Sort { ids, .. } => ids,
                _ => Vec::new(),
            })
            .collect())
    }

    /// Conversations as trees of UIDs (THREAD extension with that algorithm).
    pub async fn thread(
        &mut self,
        algorithm: ThreadAlgorithm,
        search: Vec<SearchKey>,
    ) -> Result<Vec<Thread>, ClientError> {
        let name = match algorithm {
            ThreadAlgorithm::References => "THREAD=REFERENCES",
            ThreadAlgorithm::OrderedSubject => "THREAD=ORDEREDSUBJECT",
        };
        if !self.supports(name) {
            return Err(ClientError::Unsupported(name.into()));
        }
        let response = self
            .conn
            .execute(Command::Thread {
                algorithm,
                search,
                uid: true,
            })
            .await?;
        Ok(response
            .data
            .into_iter()
            .flat_map(|d| match d {
                Data::Thread(threads) => threads,
                _ => Vec::new(),
            })
            .collect())
    }
}
