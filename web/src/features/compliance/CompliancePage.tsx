export default function CompliancePage() {
  return <p>Compliance: in progress</p>;
}
