interface Props {
  title: string;
  children: React.ReactNode;
}

/** What a screen shows when it has nothing yet: what will appear here, and why not now. */
export function EmptyState({ title, children }: Props) {
  return (
    <div className="empty-state">
      <h2>{title}</h2>
      <p>{children}</p>
    </div>
  );
}
