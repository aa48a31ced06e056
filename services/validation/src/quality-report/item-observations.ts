/** What one item contributed to the input-validation report (Amperity style: informative, no pass/fail). */
export interface ItemObservations {
  emailsSeen: number;
  emailsValid: number;
  phonesSeen: number;
  phonesValid: number;
  transactionsSeen: number;
  transactionsWellFormed: number;
}

export function emptyObservations(): ItemObservations {
  return { emailsSeen: 0, emailsValid: 0, phonesSeen: 0, phonesValid: 0, transactionsSeen: 0, transactionsWellFormed: 0 };
}
