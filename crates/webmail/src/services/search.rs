//! What the server finds and orders for the message list: SEARCH over whole messages,
//! SORT and THREAD — each only when the server offers it (else the list keeps its own
//! answer).

use webimap_client::proto::types::{
    mailbox::MailboxName,
    search::{SearchKey, SortCriterion, SortKey as ServerSortKey, ThreadAlgorithm},
};

use super::{Connection, mailbox::in_folder};
use crate::state::{conversations, conversations::Conversation, error::UiError, list::SortKey};

/// The UIDs of the messages of `folder` whose headers or body contain every word
/// (SEARCH TEXT, case-insensitive on the server).
pub(crate) async fn search(
    conn: &Connection,
    folder: &MailboxName,
    words: &[String],
) -> Result<Vec<u32>, UiError> {
    let criteria = words.iter().cloned().map(SearchKey::Text).collect();
    in_folder(conn, folder, async |c| c.search(criteria).await).await
}

/// The SORT criterion for a sort key the server orders better than the list can (base
/// subjects per RFC 5256, display names per RFC 5957, the server's collation); `None`
/// where the list's own order is the same (dates, sizes) or the server cannot sort.
fn server_criterion(sort: SortKey, sort_ext: bool, display: bool) -> Option<SortCriterion> {
    let key = match sort {
        SortKey::Subject if sort_ext => ServerSortKey::Subject,
        SortKey::Sender if sort_ext && display => ServerSortKey::DisplayFrom,
        _ => return None,
    };
    Some(SortCriterion {
        reverse: false,
        key,
    })
}

/// Whether the server may order the list better for `sort` (asked before taking the
/// connection, so date and size orders never interrupt IDLE).
pub(crate) fn may_sort(sort: SortKey) -> bool {
    server_criterion(sort, true, true).is_some()
}

/// The UIDs of `folder` in the server's order for `sort`, if the server should sort it.
pub(crate) async fn sort(
    conn: &Connection,
    folder: &MailboxName,
    sort: SortKey,
) -> Result<Option<Vec<u32>>, UiError> {
    in_folder(conn, folder, async |client| {
        let Some(criterion) = server_criterion(
            sort,
            client.supports("SORT"),
            client.supports("SORT=DISPLAY"),
        ) else {
            return Ok(None);
        };
        client
            .sort(vec![criterion], vec![SearchKey::All])
            .await
            .map(Some)
    })
    .await
}

/// The conversations of `folder` (THREAD=REFERENCES), if the server offers them.
pub(crate) async fn threads(
    conn: &Connection,
    folder: &MailboxName,
) -> Result<Option<Vec<Conversation>>, UiError> {
    in_folder(conn, folder, async |client| {
        if !client.supports("THREAD=REFERENCES") {
            return Ok(None);
        }
        client
            .thread(ThreadAlgorithm::References, vec![SearchKey::All])
            .await
            .map(|t| Some(conversations::from_threads(&t)))
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_what_the_server_orders_better_goes_to_it() {
        assert_eq!(
            server_criterion(SortKey::Subject, true, false).map(|c| c.key),
            Some(ServerSortKey::Subject)
        );
        assert_eq!(
            server_criterion(SortKey::Sender, true, true).map(|c| c.key),
            Some(ServerSortKey::DisplayFrom)
        );
        assert_eq!(server_criterion(SortKey::Sender, true, false), None);
        assert_eq!(server_criterion(SortKey::Subject, false, true), None);
        assert_eq!(server_criterion(SortKey::Newest, true, true), None);
        assert_eq!(server_criterion(SortKey::Size, true, true), None);
        assert!(may_sort(SortKey::Sender) && !may_sort(SortKey::Oldest));
    }
}
