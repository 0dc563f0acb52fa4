/** A failure as the person meets it: announced (role="alert") and in their words. */
export function ErrorBanner({ message, lead }: { message: string; lead?: string }) {
  return (
    <p className="banner error" role="alert">
      {lead && <strong>{lead} </strong>}
      {message}
    </p>
  );
}
