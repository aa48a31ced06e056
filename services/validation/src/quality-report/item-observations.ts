/** What one item contributed to the input-validation report (Amperity style: informative, no pass/fail). */
export interface ItemObservations {
  emailsSeen: number;
  emailsValid: number;
  phonesSeen: number;
  phonesValid: number;
  transactionsSeen: number;
  transactionsWellFormed: number;
  /** Identifier values removed because they are blocked placeholders ("anonymous", "null", "0"...). */
  blockedIdentifiersRemoved: number;
  /** Client timestamps too far in the future, replaced by receivedAt. */
  futureTimestampsReplaced: number;
  /** Strings whose NUL bytes were removed or lone UTF-16 surrogates replaced by U+FFFD. */
  textsRepaired: number;
}

export function emptyObservations(): ItemObservations {
  return {
    emailsSeen: 0,
    emailsValid: 0,
    phonesSeen: 0,
    phonesValid: 0,
    transactionsSeen: 0,
    transactionsWellFormed: 0,
    blockedIdentifiersRemoved: 0,
    futureTimestampsReplaced: 0,
    textsRepaired: 0,
  };
}
